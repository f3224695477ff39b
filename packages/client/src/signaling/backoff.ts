/**
 * Reconnection as a policy object: the client asks the policy how long to wait before retry
 * number `attempt` and gives up when it answers `null`. Policies are stateless; the client
 * counts attempts with a `RetrySchedule` and resets it once a connection is back.
 */
export interface ReconnectPolicy {
  /** Milliseconds to wait before retry `attempt` (1-based), or `null` to stop retrying. */
  nextRetryDelayMs(attempt: number): number | null;
}

export interface ExponentialBackoffOptions {
  /** Upper bound of the first delay. */
  initialDelayMs: number;
  /** Upper bound of any delay. */
  maxDelayMs: number;
  /** Growth of the upper bound per attempt. */
  factor: number;
  /** Retries before giving up; `Infinity` never gives up. */
  maxAttempts: number;
  /** A number in [0, 1); injectable so tests are deterministic. */
  random: () => number;
}

export const DEFAULT_BACKOFF: Readonly<ExponentialBackoffOptions> = Object.freeze({
  initialDelayMs: 250,
  maxDelayMs: 10_000,
  factor: 2,
  maxAttempts: Infinity,
  random: Math.random,
});

/**
 * Exponential backoff with "full jitter" (AWS architecture blog): the delay is uniform in
 * [0, min(max, initial * factor^(attempt-1))). Jitter spreads a crowd of clients that lost the
 * same server, so they do not all come back in the same instant.
 */
export class ExponentialBackoff implements ReconnectPolicy {
  readonly options: Readonly<ExponentialBackoffOptions>;

  constructor(options: Partial<ExponentialBackoffOptions> = {}) {
    const merged = { ...DEFAULT_BACKOFF, ...options };
    if (!(merged.initialDelayMs >= 0) || !(merged.maxDelayMs >= merged.initialDelayMs)) {
      throw new RangeError("ExponentialBackoff needs 0 <= initialDelayMs <= maxDelayMs.");
    }
    if (!(merged.factor >= 1)) throw new RangeError("ExponentialBackoff needs factor >= 1.");
    if (!(merged.maxAttempts >= 0)) throw new RangeError("ExponentialBackoff needs maxAttempts >= 0.");
    this.options = Object.freeze(merged);
  }

  /** The cap on the delay before retry `attempt`, before jitter. */
  ceilingMs(attempt: number): number {
    const { initialDelayMs, maxDelayMs, factor } = this.options;
    // Exponent clamped so a long outage cannot overflow to Infinity * 0 = NaN.
    return Math.min(maxDelayMs, initialDelayMs * factor ** Math.min(Math.max(attempt - 1, 0), 64));
  }

  nextRetryDelayMs(attempt: number): number | null {
    if (attempt > this.options.maxAttempts) return null;
    return Math.floor(this.options.random() * this.ceilingMs(attempt));
  }
}

/** Counts attempts against a policy; `reset()` once a connection succeeded. */
export class RetrySchedule {
  #attempt = 0;

  constructor(private readonly policy: ReconnectPolicy) {}

  get attempt(): number {
    return this.#attempt;
  }

  /** The delay before the next retry, or `null` when the policy gives up. */
  next(): number | null {
    this.#attempt += 1;
    return this.policy.nextRetryDelayMs(this.#attempt);
  }

  reset(): void {
    this.#attempt = 0;
  }
}
