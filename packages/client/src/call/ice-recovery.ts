export interface IceRecoveryOptions {
  /** How long "disconnected" may last before we restart ICE (it often heals by itself). */
  disconnectedGraceMs: number;
  /** How long the connection may stay unhealthy, restarts included, before we give up. */
  recoveryTimeoutMs: number;
}

export const DEFAULT_ICE_RECOVERY: Readonly<IceRecoveryOptions> = Object.freeze({
  disconnectedGraceMs: 3_000,
  recoveryTimeoutMs: 15_000,
});

export interface IceRecoveryActions {
  restartIce(): void;
  /** Not recovered in time: the call should end. */
  giveUp(): void;
}

/**
 * Watches RTCPeerConnection.connectionState and decides when to restart ICE and when to give
 * up: "failed" restarts at once, "disconnected" after a grace period; the first unhealthy state
 * starts one deadline, and only "connected" clears it.
 */
export class IceRecovery {
  readonly options: Readonly<IceRecoveryOptions>;
  #graceTimer: ReturnType<typeof setTimeout> | undefined;
  #deadline: ReturnType<typeof setTimeout> | undefined;
  #stopped = false;

  constructor(
    private readonly actions: IceRecoveryActions,
    options: Partial<IceRecoveryOptions> = {},
  ) {
    this.options = Object.freeze({ ...DEFAULT_ICE_RECOVERY, ...options });
  }

  update(state: RTCPeerConnectionState): void {
    if (this.#stopped) return;
    switch (state) {
      case "connected":
        this.#clearGrace();
        clearTimeout(this.#deadline);
        this.#deadline = undefined;
        return;
      case "disconnected":
        this.#startDeadline();
        this.#graceTimer ??= setTimeout(() => {
          this.#graceTimer = undefined;
          this.actions.restartIce();
        }, this.options.disconnectedGraceMs);
        return;
      case "failed":
        this.#startDeadline();
        this.#clearGrace();
        this.actions.restartIce();
        return;
      case "closed":
        this.stop();
        return;
      case "new":
      case "connecting":
        return; // Part of (re)connecting: a running deadline keeps running.
    }
  }

  stop(): void {
    this.#stopped = true;
    this.#clearGrace();
    clearTimeout(this.#deadline);
    this.#deadline = undefined;
  }

  #startDeadline(): void {
    this.#deadline ??= setTimeout(() => {
      this.#deadline = undefined;
      this.stop();
      this.actions.giveUp();
    }, this.options.recoveryTimeoutMs);
  }

  #clearGrace(): void {
    clearTimeout(this.#graceTimer);
    this.#graceTimer = undefined;
  }
}
