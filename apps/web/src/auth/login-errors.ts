import { SignalingError } from "@switchboard/client";

/** What the login view does about a failed sign-in, besides saying why. */
export type LoginFix =
  /** Ask for a (new) sign-in token instead of a name. */
  | "token"
  /** Ask for the room's password. */
  | "password"
  /** Nothing to change in the form: say why, let them try again. */
  | "none";

export interface LoginFailure {
  readonly text: string;
  readonly fix: LoginFix;
}

/**
 * Why a sign-in (or a room switch) failed, in the user's words, and what to ask for next.
 * `passwordTried`: a password went with the attempt (so it was the wrong one).
 */
export function loginFailure(error: unknown, room: string | null, passwordTried = false): LoginFailure {
  const where = room === null ? "the lobby" : `the room “${room}”`;
  const code = error instanceof SignalingError ? error.code : null;
  switch (code) {
    case "auth-required":
      return { text: "This server needs a sign-in token. Paste the one you were given.", fix: "token" };
    case "invalid-token":
      return { text: "That sign-in token is not valid. Check that you copied all of it, or ask for a new one.", fix: "token" };
    case "token-expired":
    case "sign-in-required":
      return { text: "Your sign-in token has expired. Ask for a new one.", fix: "token" };
    case "room-forbidden":
      return { text: `Your sign-in token does not let you into ${where}.`, fix: "none" };
    case "name-in-use":
      return { text: `You are already signed in to ${where} somewhere else (another tab or device).`, fix: "none" };
    case "room-locked":
      return { text: `${capitalized(where)} is locked: nobody new can join it now.`, fix: "none" };
    case "bad-password":
      return { text: `${capitalized(where)} needs a password${passwordTried ? ", and that was not it" : ""}.`, fix: "password" };
    default:
      return { text: error instanceof Error ? error.message : String(error), fix: "none" };
  }
}

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
