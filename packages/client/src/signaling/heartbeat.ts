export interface HeartbeatActions {
  /** Sends one `ping`. */
  ping(): void;
  /** Nothing arrived for too long: the connection is dead even if the socket says open. */
  dead(): void;
}

/**
 * Browsers cannot see WebSocket-level pings, so a half-open connection (laptop lid closed,
 * network switched) could look open for minutes. When the server asks for it (welcome's
 * `limits.heartbeatIntervalMs`) we send `ping` every interval; if no frame at all arrives for
 * `deadAfterIntervals` intervals, the connection is declared dead and the client reconnects.
 */
export class Heartbeat {
  #pingTimer: ReturnType<typeof setInterval> | undefined;
  #deadTimer: ReturnType<typeof setTimeout> | undefined;
  #deadAfterMs = 0;

  constructor(private readonly actions: HeartbeatActions) {}

  start(intervalMs: number, deadAfterIntervals = 2.5): void {
    this.stop();
    this.#deadAfterMs = intervalMs * deadAfterIntervals;
    this.#pingTimer = setInterval(() => this.actions.ping(), intervalMs);
    this.activity();
  }

  /** A frame arrived: the connection is alive. */
  activity(): void {
    if (this.#pingTimer === undefined) return;
    clearTimeout(this.#deadTimer);
    this.#deadTimer = setTimeout(() => {
      this.stop();
      this.actions.dead();
    }, this.#deadAfterMs);
  }

  stop(): void {
    clearInterval(this.#pingTimer);
    clearTimeout(this.#deadTimer);
    this.#pingTimer = this.#deadTimer = undefined;
  }
}
