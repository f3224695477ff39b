/**
 * The path a request asks for, read from its request target without ever throwing: the target
 * comes straight from the network, and `new URL(target, base)` throws on some of them (`//`).
 */

/** Prefixing a fixed origin keeps an origin-form target a path: `//x` is not a host here. */
const ORIGIN = "http://switchboard.invalid";
const ABSOLUTE_FORM = /^(?:https?|wss?):\/\//i;

/**
 * The decoded-dots, still percent-encoded path of `target` (RFC 9112 §3.2): origin-form
 * (`/path?query`) or absolute-form (`http://host/path`). Authority-form (`host:port`, for
 * CONNECT), asterisk-form (`*`, for OPTIONS) and anything else give `undefined`: a 400.
 */
export function requestPath(target: string | undefined): string | undefined {
  if (!target) return undefined;
  let url: URL;
  try {
    if (target.startsWith("/")) url = new URL(ORIGIN + target);
    else if (ABSOLUTE_FORM.test(target)) url = new URL(target);
    else return undefined;
  } catch {
    return undefined;
  }
  return url.pathname;
}
