/**
 * Who does what in a group call's mesh, decided from what every participant knows alike (the
 * room, the names, the join order), so no message is needed to agree:
 *
 * - each pair has one call id, `group:<room>:<a>|<b>` with a < b;
 * - the one who joined later offers (it knows whom it found there), the other waits;
 * - in an offer collision (both restart ICE at once) the one whose name sorts higher is polite.
 *
 * Names compare by Unicode code point, not UTF-16 unit, so that the server and any other
 * client (whatever its language's string order) agree.
 */

const GROUP_PREFIX = "group:";

/** Compares by code point: negative when a sorts first, 0 when equal. */
export function compareCodePoints(a: string, b: string): number {
  const left = a[Symbol.iterator]();
  const right = b[Symbol.iterator]();
  for (;;) {
    const x = left.next();
    const y = right.next();
    if (x.done || y.done) return x.done === y.done ? 0 : x.done ? -1 : 1;
    const difference = x.value.codePointAt(0)! - y.value.codePointAt(0)!;
    if (difference !== 0) return difference;
  }
}

/** The call id of the pair {a, b} in `room`, the same whichever side computes it. */
export function pairCallId(room: string, a: string, b: string): string {
  const [first, second] = compareCodePoints(a, b) <= 0 ? [a, b] : [b, a];
  return `${GROUP_PREFIX}${room}:${first}|${second}`;
}

/** Group-call pair messages carry such ids; 1:1 calls never do. */
export function isGroupCallId(callId: unknown): callId is string {
  return typeof callId === "string" && callId.startsWith(GROUP_PREFIX);
}

/** In the pair (local, remote), the one whose name sorts higher yields in an offer collision. */
export function isPoliteInGroup(local: string, remote: string): boolean {
  return compareCodePoints(local, remote) > 0;
}

/**
 * True when `local` offers to `remote`: it joined later, i.e. comes after it in `participants`
 * (join order). A local user not (yet) listed joins last.
 */
export function offersTo(local: string, remote: string, participants: readonly string[]): boolean {
  const mine = participants.indexOf(local);
  const theirs = participants.indexOf(remote);
  if (mine === -1) return true;
  return theirs !== -1 && mine > theirs;
}
