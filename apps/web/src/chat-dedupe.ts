/**
 * Public chat lines already shown in this room. The server replays the room's history at every
 * fresh login (a reconnect the server could not resume included), so lines arrive again: each is
 * known by its place in the history, date and sender. A server restart starts `seq` again with
 * new dates, so those lines are new. Bounded: the oldest keys go first.
 */
export interface ChatDedupe {
  /** True the first time this line is seen (show it), false after. Lines without `seq` are always new. */
  firstTime(entry: { seq?: number; date: number | string; from: string; to: string | null }): boolean;
  /** Another room: nothing seen yet. */
  reset(): void;
}

export function createChatDedupe(limit = 1000): ChatDedupe {
  const seen = new Set<string>();
  return {
    firstTime(entry) {
      if (entry.seq === undefined || entry.to !== null) return true;
      const key = `${entry.seq}|${entry.date}|${entry.from}`;
      if (seen.has(key)) return false;
      seen.add(key);
      if (seen.size > limit) seen.delete(seen.values().next().value!);
      return true;
    },
    reset() {
      seen.clear();
    },
  };
}
