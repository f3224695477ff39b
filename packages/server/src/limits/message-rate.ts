import { TokenBucket } from "./token-bucket.js";

export type RateVerdict = "accept" | "drop" | "drop-and-report" | "cut";

/**
 * A connection's message rate: a token bucket for what it may send, and a second one for what
 * it may send beyond that (dropped, with an error) before it counts as abuse and is cut off.
 * Errors for dropped messages are themselves limited to one a second, so a flood is not echoed.
 */
export class MessageRate {
  readonly #allowed: TokenBucket;
  /**
   * Made at the first message over the limit: until then it would be full, and a bucket made
   * full then is the same. Most connections never need it (memory per idle user counts).
   */
  #tolerated: TokenBucket | undefined;
  #lastReport = -Infinity;

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    now = Date.now(),
  ) {
    this.#allowed = new TokenBucket(perSecond, burst, now);
  }

  check(now: number): RateVerdict {
    if (this.#allowed.take(now)) return "accept";
    this.#tolerated ??= new TokenBucket(this.perSecond, this.burst, now);
    if (!this.#tolerated.take(now)) return "cut";
    if (now - this.#lastReport >= 1000) {
      this.#lastReport = now;
      return "drop-and-report";
    }
    return "drop";
  }
}
