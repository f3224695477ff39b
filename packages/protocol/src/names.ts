/**
 * User-name and room-name rules, shared so that the app can check a name before the server does.
 * A name is kept as typed (NFC); names are compared by `usernameKeys`, so two that look alike
 * are one.
 */
import { numberedKeys, usernameKeys } from "./name-key.js";
import { hasMixedNumbers, isHighlyRestrictive, numberingOf } from "./name-scripts.js";

export { usernameKeys } from "./name-key.js";

export const USERNAME_MAX_LENGTH = 32;

/** UTS #39 §5.4: more nonspacing marks in a row than this stack into an unreadable tower. */
export const USERNAME_MAX_MARKS_IN_A_ROW = 4;

// Letters of any script (with their combining marks), digits, space, '_', '-', '.'.
const USERNAME_PATTERN = /^[\p{L}\p{M}\p{N} _.\-]+$/u;
const INVISIBLE = /\p{Default_Ignorable_Code_Point}/u;
const VISIBLE = /[\p{L}\p{N}_.\-]/u;
/** A mark with nothing to sit on: at the start, or after a space or punctuation. */
const MARK_WITHOUT_BASE = /(?:^|[ _.\-])\p{M}/u;
const NONSPACING_MARK = /\p{Mn}/u;

export type UsernameCheck = { ok: true; name: string } | { ok: false; reason: string };
/** The same rules, for room names. */
export type RoomNameCheck = UsernameCheck;

/** Longest room name, in characters (code points). */
export const ROOM_NAME_MAX_LENGTH = 64;

/**
 * The room of clients that name none: the `hello` without `room`, and the article's clients,
 * who never say `hello`. A room like any other (it vanishes when empty, `/r/lobby` opens it).
 */
export const LOBBY_ROOM = "lobby";

/** What a kind of name is called in refusals, and how long it may be. */
interface NameRules {
  readonly noun: string;
  readonly maxLength: number;
}
const USERNAME_RULES: NameRules = { noun: "name", maxLength: USERNAME_MAX_LENGTH };
const ROOM_NAME_RULES: NameRules = { noun: "room name", maxLength: ROOM_NAME_MAX_LENGTH };

/** Validates a requested name and returns it in canonical (NFC) form. */
export function checkUsername(raw: unknown): UsernameCheck {
  return checkName(raw, USERNAME_RULES);
}

/**
 * Validates a room name like a user name (the same characters, scripts and look-alike rules),
 * up to `ROOM_NAME_MAX_LENGTH`, and returns it in canonical (NFC) form. Rooms are told apart
 * by `usernameKeys`, so two room names that look alike name one room.
 */
export function checkRoomName(raw: unknown): RoomNameCheck {
  return checkName(raw, ROOM_NAME_RULES);
}

function checkName(raw: unknown, { noun, maxLength }: NameRules): UsernameCheck {
  const The = `The ${noun}`;
  if (typeof raw !== "string") return refuse(`${The} must be a string.`);
  const name = raw.normalize("NFC");
  const length = [...name].length;
  if (length === 0) return refuse(`${The} is empty.`);
  if (length > maxLength) return refuse(`${The} is longer than ${maxLength} characters.`);
  const invisible = [...name].find((char) => INVISIBLE.test(char));
  if (invisible !== undefined) {
    if (![...name].some((char) => VISIBLE.test(char) && !INVISIBLE.test(char))) {
      return refuse(`${The} looks blank: ${codePoint(invisible)} and the like show nothing.`);
    }
    return refuse(`${The} holds an invisible character (${codePoint(invisible)}); remove it.`);
  }
  if (!USERNAME_PATTERN.test(name)) return refuse("Use only letters, digits, spaces, '_', '-' and '.'.");
  if (name.trim() !== name) return refuse(`${The} cannot start or end with a space.`);
  if (MARK_WITHOUT_BASE.test(name)) return refuse("A combining mark must follow a letter or a digit.");
  const marks = marksProblem(name);
  if (marks) return refuse(marks);
  if (!isHighlyRestrictive(name)) {
    return refuse(`Use one script (Latin may go with Chinese, Japanese or Korean): mixed scripts can pass for other ${noun}s.`);
  }
  if (hasMixedNumbers(name)) return refuse("Write all digits in one numbering system.");
  return { ok: true, name };
}

/**
 * The article's rule for a taken name: append the smallest number that makes it free,
 * shortening the base so the result still fits the length limit. "Taken" is by key: no key
 * of the candidate may be taken (`usernameKeys`: it must not look like a name in use), and it
 * must pass `checkUsername` itself. The number is written in the digits the name already uses
 * (ASCII if none), so a numbered name never mixes numbering systems. `name` must have passed
 * `checkUsername` (it throws otherwise).
 *
 * This ends: only finitely many keys are taken, and each number gives another key.
 */
export function uniqueUsername(name: string, isKeyTaken: (key: string) => boolean): string {
  const check = checkUsername(name);
  // No number makes an invalid name valid: without this the loop below would never end.
  if (!check.ok || check.name !== name) throw new Error(`uniqueUsername needs a checked name: ${check.ok ? "not NFC" : check.reason}`);
  const anyTaken = (keys: readonly string[]) => keys.some((key) => isKeyTaken(key));
  if (!anyTaken(usernameKeys(name))) return name;
  const chars = [...name];
  const zero = numberingOf(name) ?? 0x30;
  const digit = (ascii: string) => String.fromCodePoint(zero + ascii.charCodeAt(0) - 0x30);
  let base = "";
  let keysOf = (_: string): readonly string[] => [];
  for (let n = 1; ; n++) {
    const number = String(n);
    if (n === 1 || number.length > String(n - 1).length) {
      base = chars.slice(0, USERNAME_MAX_LENGTH - number.length).join("");
      keysOf = numberedKeys(base, zero);
    }
    // Many users may share a base (a flood of "alice"s): rule out a taken number with lookups
    // alone, and run the whole test only on a number that may be free.
    if (anyTaken(keysOf(number))) continue;
    const candidate = base + [...number].map(digit).join("");
    if (checkUsername(candidate).ok && !anyTaken(usernameKeys(candidate))) return candidate;
  }
}

/** UTS #39 §5.4: no nonspacing mark twice in a row, and no more than a few in a row (in NFD). */
function marksProblem(name: string): string | undefined {
  let run = 0;
  let previous = "";
  for (const char of name.normalize("NFD")) {
    if (!NONSPACING_MARK.test(char)) {
      run = 0;
      previous = "";
      continue;
    }
    if (char === previous) return "The same combining mark twice in a row is not allowed.";
    if (++run > USERNAME_MAX_MARKS_IN_A_ROW) {
      return `No more than ${USERNAME_MAX_MARKS_IN_A_ROW} combining marks in a row.`;
    }
    previous = char;
  }
  return undefined;
}

function refuse(reason: string): UsernameCheck {
  return { ok: false, reason };
}

function codePoint(char: string): string {
  return `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`;
}
