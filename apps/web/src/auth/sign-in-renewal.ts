import type { SignalingClient, TokenOption } from "@switchboard/client";
import type { Notices } from "../views/notices.js";
import { fetchFreshToken, sameOriginUrl } from "./fresh-token.js";
import { RenewingToken } from "./renewing-token.js";
import { expiryWarningDelayMs, expiryWarningText } from "./sign-in-expiry.js";

export interface SignInRenewalParts {
  readonly notices: Notices;
  /** The token to sign in with now (see RenewingToken). */
  current(): string | null;
  /** A renewed token the server took: sign in with it from now on, reloads too. */
  renewed(token: string): void;
}

export interface SignInRenewal {
  /** The `token` option of the SignalingClient given to follow(). */
  readonly token: TokenOption;
  /** Follows that client's sign-in (its welcome's token URL, its identity's expiry). */
  follow(client: SignalingClient): void;
}

/**
 * One client's sign-in token (AUTH=jwt) in the app: renewed through the server's token URL
 * (`welcome.tokenUrl`, a path of this origin) when it gives one, calls going on; without one, a
 * notice shortly before the sign-in runs out, so that the end of the session is no surprise.
 * A renewal that fails is the `error` event's to tell (see renewalFailureText).
 */
export function createSignInRenewal(parts: SignInRenewalParts): SignInRenewal {
  let client: SignalingClient | null = null;
  let warning: ReturnType<typeof setTimeout> | undefined;
  const tokenUrl = () => sameOriginUrl(client?.welcome?.tokenUrl, location.origin);
  const renewing = new RenewingToken({ current: parts.current, renewed: parts.renewed, tokenUrl, fetchToken: (url) => fetchFreshToken(url) });
  return {
    token: renewing.option,
    follow(signaling) {
      client = signaling;
      // From each welcome (whose token URL the client already holds) and each renewal.
      signaling.on("identity", ({ expiresAt }) => {
        renewing.accepted();
        clearTimeout(warning);
        if (tokenUrl() !== null) return;
        warning = setTimeout(() => {
          const left = expiresAt - Date.now();
          parts.notices.show(expiryWarningText(expiresAt, Date.now()), "warning", Math.max(6_000, left));
        }, expiryWarningDelayMs(expiresAt, Date.now()));
      });
      signaling.on("state", (state) => {
        if (state === "closed") clearTimeout(warning);
      });
    },
  };
}
