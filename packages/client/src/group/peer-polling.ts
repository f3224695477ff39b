/** What is measured of each pair, on its own clock. */
export interface Polled {
  /** An audio-level sample for `speaking`. */
  sample(): Promise<void>;
  /** A stats reading for `quality`. */
  measure(): Promise<void>;
}

/**
 * The two clocks of a group call's tiles: audio levels a few times a second (speaking), stats
 * every few seconds (quality), over whatever pairs exist at each tick. Runs while joined.
 */
export class PeerPolling {
  #timers: ReturnType<typeof setInterval>[] = [];

  constructor(
    private readonly pairs: () => Iterable<Polled>,
    private readonly intervals: { speakingMs: number; qualityMs: number },
  ) {}

  start(): void {
    this.stop();
    const each = (work: (pair: Polled) => Promise<void>) => () => {
      for (const pair of this.pairs()) void work(pair);
    };
    this.#timers = [
      setInterval(each((pair) => pair.sample()), this.intervals.speakingMs),
      setInterval(each((pair) => pair.measure()), this.intervals.qualityMs),
    ];
  }

  stop(): void {
    for (const timer of this.#timers.splice(0)) clearInterval(timer);
  }
}
