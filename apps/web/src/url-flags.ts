/**
 * An on/off option in the page URL: `?name=1` or `true` is on, `0` or `false` is off, and
 * anything else (or nothing) is `fallback`.
 */
export function urlFlag(name: string, fallback: boolean, search: string = globalThis.location?.search ?? ""): boolean {
  const value = new URLSearchParams(search).get(name);
  if (value === "1" || value === "true") return true;
  if (value === "0" || value === "false") return false;
  return fallback;
}
