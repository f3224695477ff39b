/** User-name rules, shared so that the app can check a name before the server does. */

export const USERNAME_MAX_LENGTH = 32;

// Letters of any script (with their combining marks), digits, space, '_', '-', '.'.
const USERNAME_PATTERN = /^[\p{L}\p{M}\p{N} _.\-]+$/u;

export type UsernameCheck = { ok: true; name: string } | { ok: false; reason: string };

/** Validates a requested name and returns it in canonical (NFC) form. */
export function checkUsername(raw: unknown): UsernameCheck {
  if (typeof raw !== "string") return { ok: false, reason: "The name must be a string." };
  const name = raw.normalize("NFC");
  const length = [...name].length;
  if (length === 0) return { ok: false, reason: "The name is empty." };
  if (length > USERNAME_MAX_LENGTH) {
    return { ok: false, reason: `The name is longer than ${USERNAME_MAX_LENGTH} characters.` };
  }
  if (!USERNAME_PATTERN.test(name)) {
    return {
      ok: false,
      reason: "Use only letters, digits, spaces, '_', '-' and '.'.",
    };
  }
  if (name.trim() !== name) {
    return { ok: false, reason: "The name cannot start or end with a space." };
  }
  return { ok: true, name };
}

/**
 * The article's rule for a taken name: append the smallest number that makes it unique,
 * shortening the base so the result still fits the length limit.
 */
export function uniqueUsername(name: string, isTaken: (candidate: string) => boolean): string {
  if (!isTaken(name)) return name;
  const chars = [...name];
  for (let n = 1; ; n++) {
    const suffix = String(n);
    const base = chars.slice(0, USERNAME_MAX_LENGTH - suffix.length).join("");
    const candidate = base + suffix;
    if (!isTaken(candidate)) return candidate;
  }
}
