/**
 * The sign-in token (AUTH=jwt) the app signs in with. A link such as `/r/standup#token=<jwt>`
 * hands it over: read once at start, then taken out of the address bar (so it is not
 * bookmarked, shared or left in the history) and kept in sessionStorage, which survives
 * reloads of this tab only. A token typed on the login view is kept the same way, and so is a
 * renewed one (see RenewingToken), which a reload then signs in with.
 */
const STORAGE_KEY = "switchboard.signInToken";
/** Set once this tab met a server that signs in by token: a reload asks for one at once. */
const JWT_SEEN_KEY = "switchboard.signsInByToken";

/** The token in a URL fragment (`#token=...`, also beside other fragment parameters), or null. */
export function tokenFromFragment(hash: string): string | null {
  const token = new URLSearchParams(hash.replace(/^#/, "")).get("token");
  return token === null || token.trim() === "" ? null : token.trim();
}

/** The fragment without its token (other parameters stay), "" when nothing is left. */
export function fragmentWithoutToken(hash: string): string {
  const params = new URLSearchParams(hash.replace(/^#/, ""));
  params.delete("token");
  const rest = params.toString();
  return rest === "" ? "" : `#${rest}`;
}

/** Takes a token from the address bar (removing it there), else the one kept for this tab. */
export function takeSignInToken(): string | null {
  const fromUrl = tokenFromFragment(location.hash);
  if (fromUrl !== null) {
    history.replaceState(history.state, "", location.pathname + location.search + fragmentWithoutToken(location.hash));
    keepSignInToken(fromUrl);
    return fromUrl;
  }
  return keptSignInToken();
}

/** The token kept for this tab (see keepSignInToken), or null. */
export function keptSignInToken(store: TokenStore | null = storage()): string | null {
  return store?.getItem(STORAGE_KEY) ?? null;
}

/** Keeps `token` for reloads of this tab, in place of the one before; null forgets it (refused or expired). */
export function keepSignInToken(token: string | null, store: TokenStore | null = storage()): void {
  if (token === null) store?.removeItem(STORAGE_KEY);
  else store?.setItem(STORAGE_KEY, token);
}

/** The server signs in by token (welcome.auth "jwt"): noted for this tab's reloads. */
export function noteTokenSignIn(byToken: boolean): void {
  if (byToken) storage()?.setItem(JWT_SEEN_KEY, "1");
  else storage()?.removeItem(JWT_SEEN_KEY);
}

/** This tab met a server that signs in by token (see noteTokenSignIn). */
export function signsInByToken(): boolean {
  return storage()?.getItem(JWT_SEEN_KEY) === "1";
}

/** The part of Storage a token is kept with (sessionStorage in the app). */
export type TokenStore = Pick<Storage, "getItem" | "setItem" | "removeItem">;

/** sessionStorage, or null where the browser refuses it (some private modes). */
function storage(): Storage | null {
  try {
    return window.sessionStorage;
  } catch {
    return null;
  }
}
