/**
 * A fresh sign-in token from the deployment's token endpoint (the server's `welcome.tokenUrl`,
 * JWT_RENEW_URL): a path of this origin that the reverse proxy routes to the identity service,
 * which answers a GET carrying the browser's cookies with the token as the body, or as JSON
 * `{"token": "..."}`. The CSP (`connect-src 'self'`) allows this origin only.
 */

/**
 * How long the endpoint may take. The SDK renews at least 5 s before the token runs out and
 * retries once 2 s after a failure: a slower answer would come too late anyway.
 */
export const FRESH_TOKEN_TIMEOUT_MS = 5_000;

/** A compact JWS (header.payload.signature), which is what the server verifies. */
const COMPACT_JWT = /^[\w-]+\.[\w-]+\.[\w-]+$/;

/**
 * The token in the endpoint's answer: the body itself, or the `token` of a JSON body. Throws,
 * saying why, for anything else (e.g. an HTML login page served when the cookie has run out).
 */
export function tokenFromBody(body: string): string {
  const text = body.trim();
  let token: unknown = text;
  if (text.startsWith("{")) {
    try {
      token = (JSON.parse(text) as { token?: unknown }).token;
    } catch {
      throw new Error("its answer is not valid JSON");
    }
    if (typeof token !== "string") throw new Error("its JSON answer has no token");
    token = token.trim();
  }
  if (typeof token !== "string" || !COMPACT_JWT.test(token)) throw new Error("its answer is not a token");
  return token;
}

/** `path` (welcome.tokenUrl) resolved against `origin`, or null when it would lead elsewhere. */
export function sameOriginUrl(path: string | undefined, origin: string): string | null {
  if (path === undefined) return null;
  try {
    const url = new URL(path, origin);
    return url.origin === origin ? url.href : null;
  } catch {
    return null;
  }
}

/**
 * GETs a fresh token from `url`: with this origin's cookies (`credentials: "same-origin"`),
 * never from a cache, given up after `timeoutMs`. Rejects with an Error saying what went wrong,
 * in words for a notice.
 */
export async function fetchFreshToken(url: string, timeoutMs = FRESH_TOKEN_TIMEOUT_MS): Promise<string> {
  const signal = AbortSignal.timeout(timeoutMs);
  let body: string;
  try {
    const response = await fetch(url, {
      credentials: "same-origin",
      cache: "no-store",
      headers: { accept: "application/json, text/plain" },
      signal,
    });
    if (!response.ok) throw new Error(`it answered ${response.status}`);
    body = await response.text();
  } catch (error) {
    if (signal.aborted) throw new Error(`it did not answer within ${timeoutMs / 1000} s`, { cause: error });
    if (error instanceof TypeError) throw new Error("it could not be reached", { cause: error });
    throw error;
  }
  return tokenFromBody(body);
}
