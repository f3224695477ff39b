export interface BacklogLimits {
  /** Bytes waiting to be written above which a client counts as not reading... */
  maxQueuedBytes: number;
  /** ...once it has stayed above them this long: a blink (a GC pause, a busy tab) is not a stall. */
  slowConsumerGraceMs: number;
  /** Above this a client is cut at once: the grace must not cost unbounded memory. */
  hardMaxQueuedBytes: number;
}

/**
 * Decides when a connection that does not read its messages is cut: when what waits to be
 * written to it stays over `maxQueuedBytes` for `slowConsumerGraceMs` (found over the limit at a
 * write after the grace, or when the grace ends), or at once past `hardMaxQueuedBytes`.
 */
export class BacklogWatch {
  /** When the backlog was first found over the limit; undefined while under it. */
  #overSince: number | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly limits: BacklogLimits,
    /** Bytes waiting to be written now. */
    private readonly backlog: () => number,
    private readonly cut: () => void,
  ) {}

  /** After each write. */
  check(now = Date.now()): void {
    const bytes = this.backlog();
    if (bytes <= this.limits.maxQueuedBytes) return this.stop();
    if (bytes > this.limits.hardMaxQueuedBytes) return this.#cut();
    if (this.#overSince === undefined) {
      this.#overSince = now;
      this.#timer = setTimeout(() => this.#graceOver(), this.limits.slowConsumerGraceMs);
      this.#timer.unref();
    } else if (now - this.#overSince >= this.limits.slowConsumerGraceMs) {
      this.#cut();
    }
  }

  /** Under the limit again, or the connection is gone. */
  stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#overSince = undefined;
  }

  #graceOver(): void {
    this.#timer = undefined;
    if (this.backlog() > this.limits.maxQueuedBytes) this.#cut();
    else this.#overSince = undefined;
  }

  #cut(): void {
    this.stop();
    this.cut();
  }
}
