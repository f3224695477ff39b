import { checkRoomName, usernameKeys } from "@switchboard/protocol";
import { ProtocolError } from "../wire/protocol-error.js";

/** A room name that passed `checkRoomName`, as canonical (NFC) text, with its look-alike keys. */
export interface CheckedRoomName {
  readonly name: string;
  readonly keys: readonly [string, string];
}

// Everyone in a room asks for it by the same string, and checking a name and computing its keys
// (NFKC, case folds, confusables) was a visible part of each login in a join storm. Only names
// that passed are kept, at most this many, the oldest forgotten first.
const REMEMBERED_MAX = 1024;
const remembered = new Map<string, CheckedRoomName>();

/** Checks a requested room name; a bad one is a `bad-room` protocol error. */
export function checkedRoomName(raw: string): CheckedRoomName {
  const known = remembered.get(raw);
  if (known) return known;
  const check = checkRoomName(raw);
  if (!check.ok) throw new ProtocolError("bad-room", check.reason);
  const checked: CheckedRoomName = { name: check.name, keys: usernameKeys(check.name) };
  if (remembered.size >= REMEMBERED_MAX) remembered.delete(remembered.keys().next().value!);
  remembered.set(raw, checked);
  return checked;
}
