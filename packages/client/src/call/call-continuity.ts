import type { WelcomeMessage } from "@switchboard/protocol";
import type { SignalingClient } from "../signaling/signaling-client.js";
import type { Disposer } from "../typed-emitter.js";
import type { CallSession } from "./call-session.js";
import type { CallEndReason } from "./call-state.js";

/** How long the remote user may stay away after we are back, when the welcome names no resume window. */
export const DEFAULT_REJOIN_GRACE_MS = 30_000;

/** The grace after a fresh `welcome`: the app's option, else the server's resume window, else the default. */
export function rejoinGraceMs(option: number | undefined, welcome: WelcomeMessage): number {
  return option ?? welcome.limits.resumeGraceMs ?? DEFAULT_REJOIN_GRACE_MS;
}

/** What the continuity rules need from the CallManager. */
export interface ContinuityHost {
  readonly signaling: SignalingClient;
  /** The call in progress, if any. */
  current(): CallSession | null;
  /** Ends `session` (see CallManager); `notify` tells the other side. */
  end(session: CallSession, reason: CallEndReason, notify: boolean): void;
}

/**
 * Decides what a signaling outage does to the current call. Media flows peer to peer, so the
 * RTCPeerConnection does not need the signaling server; only negotiation does. Hence:
 *
 * - a resumed session lost nothing: the call carries on;
 * - a fresh session (the server restarted, or the resume window passed) keeps a call that has
 *   reached "connecting": we log in again under the same name and so does the remote user, who
 *   is then reachable by name again (hang-up, ICE restarts). It ends only if
 *   - our name came back different ("signaling-lost": the remote user cannot reach us),
 *   - or the remote user is still missing from presence `graceMs` after our welcome ("gone"),
 *   - or (as always) the peer connection fails;
 * - a ringing call ends at a fresh session ("signaling-lost"): its invite was lost with the server;
 * - a client closed for good ends the call ("signaling-lost").
 *
 * Outside an outage, the remote user leaving presence ends the call at once ("gone").
 */
export class CallContinuity {
  readonly #subscriptions: Disposer[];
  /** Set from a fresh welcome until the remote user is seen in the new session's presence. */
  #awaiting: { session: CallSession; timer: ReturnType<typeof setTimeout> } | null = null;

  constructor(
    private readonly host: ContinuityHost,
    /** See CallManagerOptions.rejoinGraceMs; undefined: the welcome's resume window. */
    private readonly graceMs: number | undefined,
  ) {
    const { signaling } = host;
    this.#subscriptions = [
      signaling.on("state", (state) => {
        if (state === "closed") this.#endCurrent("signaling-lost");
      }),
      signaling.on("welcome", (welcome) => {
        if (welcome.resumed !== true) this.#freshSession(welcome);
      }),
      signaling.on("renamed", () => this.#endCurrent("signaling-lost")),
      signaling.on("user-left", (name) => {
        const session = this.#currentWith(name);
        if (session && this.#awaiting?.session !== session) this.host.end(session, "gone", false);
      }),
      signaling.on("user-joined", (user) => {
        if (this.#awaiting?.session.remote === user.name) this.#stopAwaiting();
      }),
      // The server sends history right after the login's presence snapshot: the remote user may
      // have been back before us, and then no "user-joined" comes.
      signaling.on("history", () => {
        if (this.#awaiting && signaling.user(this.#awaiting.session.remote)) this.#stopAwaiting();
      }),
    ];
  }

  /** The call ended or the manager is disposed. */
  forget(session: CallSession): void {
    if (this.#awaiting?.session === session) this.#stopAwaiting();
  }

  dispose(): void {
    this.#stopAwaiting();
    for (const dispose of this.#subscriptions.splice(0)) dispose();
  }

  #freshSession(welcome: WelcomeMessage): void {
    const session = this.host.current();
    if (!session?.active) return;
    if (session.state !== "connecting" && session.state !== "connected") {
      this.host.end(session, "signaling-lost", false);
      return;
    }
    // Others see us busy again: the SignalingClient says so after the re-login (holdBusy).
    this.#await(session, rejoinGraceMs(this.graceMs, welcome));
  }

  #graceOver(session: CallSession, graceMs: number): void {
    this.#awaiting = null;
    if (this.host.current() !== session || !session.active) return;
    const { signaling } = this.host;
    // Down again: the grace counts from when we are back, so wait another round.
    if (signaling.state !== "open") return this.#await(session, graceMs);
    if (signaling.user(session.remote) === undefined) this.host.end(session, "gone", false);
  }

  #await(session: CallSession, graceMs: number): void {
    this.#stopAwaiting();
    const timer = setTimeout(() => this.#graceOver(session, graceMs), graceMs);
    this.#awaiting = { session, timer };
  }

  #stopAwaiting(): void {
    if (!this.#awaiting) return;
    clearTimeout(this.#awaiting.timer);
    this.#awaiting = null;
  }

  #currentWith(remote: string): CallSession | null {
    const session = this.host.current();
    return session?.active && session.remote === remote ? session : null;
  }

  #endCurrent(reason: CallEndReason): void {
    const session = this.host.current();
    if (session?.active) this.host.end(session, reason, false);
  }
}
