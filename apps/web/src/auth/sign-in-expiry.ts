import type { SignalingError } from "@switchboard/client";

/** How long before a sign-in that cannot be renewed runs out the app says so. */
export const EXPIRY_WARNING_MS = 60_000;

/** Server refusals of a `renew-token`: the fresh token was no good. */
const REFUSED_RENEWAL_CODES = new Set(["invalid-token", "token-expired", "auth-required"]);

/** When to warn, from `now`, that a sign-in expiring at `expiresAt` runs out (0: at once). */
export function expiryWarningDelayMs(expiresAt: number, now: number): number {
  return Math.max(0, expiresAt - EXPIRY_WARNING_MS - now);
}

/** "in 45 s", "in 3 min": how soon something `ms` away happens, for a notice. */
export function runsOutIn(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 90) return `in ${seconds} s`;
  return `in ${Math.round(seconds / 60)} min`;
}

/** The notice before a sign-in without renewal runs out. */
export function expiryWarningText(expiresAt: number, now: number): string {
  return `Your sign-in runs out ${runsOutIn(expiresAt - now)}; the server will then end your session and its calls. To go on, sign in again with a new token.`;
}

/**
 * The notice for an SDK error that says a renewal failed, or null when `error` is about
 * something else. A renewal fails when getting a fresh token did ("token-renewal-failed",
 * whose cause says why), or when the server refused the fresh token: a sign-in refusal while
 * the client is `open` (a refused `hello` comes before that, and ends the client).
 */
export function renewalFailureText(error: SignalingError, open: boolean, expiresAt: number | null, now: number): string | null {
  let reason: string;
  if (error.code === "token-renewal-failed") {
    const cause = error.cause instanceof Error ? error.cause.message : error.message;
    reason = `the sign-in service failed: ${cause}`;
  } else if (open && REFUSED_RENEWAL_CODES.has(error.code)) {
    reason = `the server refused the new token: ${error.message}`;
  } else {
    return null;
  }
  const when = expiresAt === null ? "soon" : runsOutIn(expiresAt - now);
  return `Your sign-in could not be renewed (${reason}). Unless another try works, it runs out ${when} and your session and calls end.`;
}
