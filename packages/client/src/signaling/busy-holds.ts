import type { UserStatus } from "@switchboard/protocol";
import type { Disposer } from "../typed-emitter.js";

/**
 * Our own busy status when several things can make us busy (a 1:1 call, a group call): each
 * holds it while it lasts. The server hears "busy" when the first takes it and "available"
 * when the last lets go, so one ending does not make us available while the other goes on.
 */
export class BusyHolds {
  #holders = 0;

  constructor(private readonly send: (status: UserStatus) => void) {}

  get busy(): boolean {
    return this.#holders > 0;
  }

  /** Takes a hold; the disposer lets it go (once). */
  hold(): Disposer {
    if (this.#holders++ === 0) this.send("busy");
    let held = true;
    return () => {
      if (!held) return;
      held = false;
      if (--this.#holders === 0) this.send("available");
    };
  }

  /** A fresh session (not resumed) starts out available on the server: say busy again if we are. */
  freshSession(): void {
    if (this.busy) this.send("busy");
  }
}
