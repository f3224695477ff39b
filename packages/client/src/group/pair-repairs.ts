/**
 * Pairs that failed, to be offered again (by the later joiner of the pair) after a delay: at
 * most one waiting repair per remote user; all are dropped when the stay ends.
 */
export class PairRepairs {
  readonly #timers = new Map<string, ReturnType<typeof setTimeout>>();

  constructor(private readonly delayMs: number) {}

  /** Runs `repair` after the delay, unless a repair for `remote` is already waiting. */
  schedule(remote: string, repair: () => void): void {
    if (this.#timers.has(remote)) return;
    const timer = setTimeout(() => {
      this.#timers.delete(remote);
      repair();
    }, this.delayMs);
    this.#timers.set(remote, timer);
  }

  clear(): void {
    for (const timer of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
  }
}
