import type { WelcomeMessage } from "@switchboard/protocol";
import { rejoinGraceMs } from "../call/call-continuity.js";
import type { SignalingClient } from "../signaling/signaling-client.js";
import { SignalingError } from "../signaling/signaling-error.js";
import type { Disposer } from "../typed-emitter.js";
import type { GroupLeaveReason } from "./group-call-types.js";

/** What the rejoin needs from its GroupCall. */
export interface RejoinHost {
  readonly signaling: SignalingClient;
  /** GroupCallOptions.rejoinGraceMs. */
  readonly graceMs: number | undefined;
  /** The stay when we are in the call (join() resolved), else null; `listed`: the server listed us in it. */
  stay(): { listed: boolean } | null;
  /** The peers we have pairs with. */
  peers(): Iterable<string>;
  participants(): readonly string[];
  /** Ends the stay (see GroupCall); `notify` hangs up each pair. */
  end(reason: GroupLeaveReason, notify: boolean): void;
  /** `name` did not come back: drop its pair. */
  gone(name: string): void;
  error(error: unknown): void;
}

/**
 * A group-call stay across a fresh session (the server restarted, or our resume window
 * passed). The new server has forgotten the call, so once the client is logged in again we
 * join it again (`group-join`); meanwhile we keep our pairs (their media flows peer to peer,
 * and the others are coming back too). A peer is back once the new server's call lists both of
 * us (see back()); one still missing from it a grace period after our welcome is gone. A
 * refused re-join ends the stay ("rejoin-refused", after an `error` event saying why).
 */
export class GroupRejoin {
  readonly #subscriptions: Disposer[];
  /** A `group-join` is to go out as soon as the client is open (logged in again). */
  #due = false;
  /** The peers whose pairs we kept, not back yet. */
  readonly #awaited = new Set<string>();
  #graceMs = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly host: RejoinHost) {
    const { signaling } = host;
    this.#subscriptions = [
      signaling.on("welcome", (welcome) => {
        if (welcome.resumed !== true) this.#freshSession(welcome);
      }),
      signaling.on("state", (state) => {
        if (state === "open" && this.#due) this.#join();
      }),
    ];
  }

  /** True while `name`'s pair is kept although the new server's call does not list it (yet). */
  awaits(name: string): boolean {
    return this.#awaited.has(name);
  }

  /** `name`'s pair ended for another reason: nothing to wait for. */
  forget(name: string): void {
    this.#awaited.delete(name);
  }

  /** Of the awaited, those `participants` lists (ask once it lists us too): back, no longer awaited. */
  back(participants: readonly string[]): string[] {
    const back = this.#take((name) => participants.includes(name));
    if (this.#awaited.size === 0) this.#clearTimer();
    return back;
  }

  /** The stay ended: nothing is due or awaited any more. */
  stop(): void {
    this.#due = false;
    this.#awaited.clear();
    this.#clearTimer();
  }

  dispose(): void {
    this.stop();
    for (const dispose of this.#subscriptions.splice(0)) dispose();
  }

  /**
   * A stay in the call carries on. A join still under way needs nothing: its `group-join` is
   * queued for the new session, or failed with the old connection.
   */
  #freshSession(welcome: WelcomeMessage): void {
    const stay = this.host.stay();
    if (!stay) return;
    stay.listed = false; // The old server's lists are history.
    this.stop();
    this.#due = true;
    for (const name of this.host.peers()) this.#awaited.add(name);
    this.#graceMs = rejoinGraceMs(this.host.graceMs, welcome);
    this.#wait();
  }

  #join(): void {
    const stay = this.host.stay();
    this.#due = false;
    if (!stay) return;
    this.host.signaling.request({ type: "group-join" }).catch((error: unknown) => {
      if (this.host.stay() !== stay) return;
      // Dropped before the answer: ask again once back (a join when in is a no-op).
      if (error instanceof SignalingError && error.code === "connection-lost") return void (this.#due = true);
      this.host.error(error);
      this.host.end("rejoin-refused", true);
    });
  }

  /** Starts the grace (again): from now on, `graceMs`. */
  #wait(): void {
    this.#clearTimer();
    if (this.#awaited.size > 0) this.#timer = setTimeout(() => this.#graceOver(), this.#graceMs);
  }

  #graceOver(): void {
    this.#timer = undefined;
    // Down again: the grace counts from when we are back.
    if (this.host.signaling.state !== "open") return this.#wait();
    const participants = this.host.participants();
    for (const name of this.#take((awaited) => !participants.includes(awaited))) this.host.gone(name);
  }

  #take(which: (name: string) => boolean): string[] {
    const taken = [...this.#awaited].filter(which);
    for (const name of taken) this.#awaited.delete(name);
    return taken;
  }

  #clearTimer(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
