import { CLOSE_CODES, type ModeratedMessage } from "@switchboard/protocol";
import { SignalingError } from "./signaling-error.js";

/**
 * Why the server ended this client for good (it does not reconnect; state "closed" follows):
 * - "removed": a moderator (`by`) removed us from `room`, with their `reason` (close code 4403);
 * - "sign-in-required": AUTH=jwt and our token expired, or the server takes no token from us (4401);
 * - "sign-in-refused": the server refused the sign-in itself (`error.code`: "auth-required",
 *   "invalid-token", "token-expired", "room-forbidden", "bad-password", "room-locked",
 *   "name-in-use"): the same `hello` would be refused again;
 * - "session-replaced": another connection resumed this session (4001).
 */
export type SessionEnd =
  | { readonly kind: "removed"; readonly room: string | null; readonly by: string | null; readonly reason: string | null }
  | { readonly kind: "sign-in-required"; readonly detail: string }
  | { readonly kind: "sign-in-refused"; readonly error: SignalingError }
  | { readonly kind: "session-replaced" };

/** The server's error codes that refuse a sign-in for good: asking again the same way gets the same answer. */
const SIGN_IN_REFUSALS: ReadonlySet<string> = new Set([
  "auth-required",
  "invalid-token",
  "token-expired",
  "room-forbidden",
  "bad-password",
  "room-locked",
  "name-in-use",
]);

export function isSignInRefusal(error: SignalingError): boolean {
  return error.source === "server" && SIGN_IN_REFUSALS.has(error.code);
}

/**
 * The end a close code means, or null for a close the client recovers from by reconnecting.
 * `removal`: the `moderated` remove aimed at us that came before (it says who and why).
 */
export function endForClose(code: number, detail: string, room: string | null, removal: ModeratedMessage | null): SessionEnd | null {
  switch (code) {
    case CLOSE_CODES.sessionReplaced:
      return { kind: "session-replaced" };
    case CLOSE_CODES.signInRequired:
      return { kind: "sign-in-required", detail };
    case CLOSE_CODES.removed:
      return { kind: "removed", room, by: removal?.by ?? null, reason: removal?.reason ?? null };
    default:
      return null;
  }
}

/** What requests still waiting fail with when the session ends that way. */
export function endError(end: SessionEnd): SignalingError {
  switch (end.kind) {
    case "removed":
      return SignalingError.client("removed", `Removed from the room${end.by === null ? "" : ` by ${end.by}`}${end.reason ? `: ${end.reason}` : "."}`);
    case "sign-in-required":
      return SignalingError.client("sign-in-required", `The server ended the session: sign in again${end.detail ? ` (${end.detail})` : ""}.`);
    case "sign-in-refused":
      return end.error;
    case "session-replaced":
      return SignalingError.client("session-replaced", "This session was taken over by another connection.");
  }
}
