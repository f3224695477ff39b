import { IllegalTransitionError } from "../signaling/connection-state.js";

/**
 * A call's life (one per CallSession; the manager is "idle" when it has none):
 *
 *   idle -> outgoing-ringing -> connecting -> connected -> ended
 *   idle -> incoming-ringing -> connecting -> ...
 *   idle -> connecting            (calling an article client: it never rings)
 *   any non-ended state -> ended  (terminal)
 */
export type CallState = "idle" | "outgoing-ringing" | "incoming-ringing" | "connecting" | "connected" | "ended";

/** Why a call ended. */
export type CallEndReason =
  /** We hung up (or cancelled / declined: see those reasons). */
  | "hung-up"
  /** The other side hung up. */
  | "remote-hung-up"
  /** The callee declined. */
  | "declined"
  /** The callee is in another call. */
  | "busy"
  /** The callee is not online / cannot take calls. */
  | "unavailable"
  /** The caller cancelled while it was ringing (or we did). */
  | "cancelled"
  /** Nobody answered before the ring timeout. */
  | "no-answer"
  /** The other user disconnected from the server (or, after our server restarted, did not come back in time). */
  | "gone"
  /** The media connection failed and ICE restarts did not bring it back in time. */
  | "connection-failed"
  /**
   * Our signaling is gone for good (the client closed), or came back under another name, or
   * lost the session while the call was still ringing. A call whose session is lost keeps
   * going (see CallContinuity).
   */
  | "signaling-lost"
  /** A local failure (e.g. negotiation). */
  | "error";

const ALLOWED: Readonly<Record<CallState, readonly CallState[]>> = {
  idle: ["outgoing-ringing", "incoming-ringing", "connecting"],
  "outgoing-ringing": ["connecting", "ended"],
  "incoming-ringing": ["connecting", "ended"],
  connecting: ["connected", "ended"],
  connected: ["ended"],
  ended: [],
};

export function canTransitionCall(from: CallState, to: CallState): boolean {
  return ALLOWED[from].includes(to);
}

export function assertCallTransition(from: CallState, to: CallState): void {
  if (!canTransitionCall(from, to)) throw new IllegalTransitionError("Call", from, to);
}

/** Ringing or in a call: the user is busy for anyone else. */
export function isActiveCallState(state: CallState): boolean {
  return state !== "idle" && state !== "ended";
}
