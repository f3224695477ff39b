import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ExponentialBackoff, RetrySchedule } from "./backoff.js";

describe("ExponentialBackoff (full jitter)", () => {
  it("doubles the ceiling per attempt up to the cap", () => {
    const policy = new ExponentialBackoff({ initialDelayMs: 100, maxDelayMs: 1000, factor: 2 });
    expect([1, 2, 3, 4, 5, 6, 100, 10_000].map((n) => policy.ceilingMs(n))).toEqual([100, 200, 400, 800, 1000, 1000, 1000, 1000]);
  });

  it("draws every delay from [0, ceiling)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000 }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (attempt, r) => {
        const policy = new ExponentialBackoff({ initialDelayMs: 50, maxDelayMs: 5000, random: () => r });
        const delay = policy.nextRetryDelayMs(attempt)!;
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThan(Math.max(policy.ceilingMs(attempt), 1));
        expect(Number.isInteger(delay)).toBe(true);
      }),
    );
  });

  it("spans the whole jitter range: 0 at random()=0, just under the ceiling near 1", () => {
    expect(new ExponentialBackoff({ initialDelayMs: 100, random: () => 0 }).nextRetryDelayMs(3)).toBe(0);
    expect(new ExponentialBackoff({ initialDelayMs: 100, random: () => 0.9999 }).nextRetryDelayMs(3)).toBe(399);
  });

  it("gives up after maxAttempts", () => {
    const policy = new ExponentialBackoff({ maxAttempts: 2, random: () => 0.5 });
    expect(policy.nextRetryDelayMs(2)).not.toBeNull();
    expect(policy.nextRetryDelayMs(3)).toBeNull();
  });

  it("rejects contradictory options at construction", () => {
    expect(() => new ExponentialBackoff({ initialDelayMs: 500, maxDelayMs: 100 })).toThrow(RangeError);
    expect(() => new ExponentialBackoff({ factor: 0.5 })).toThrow(RangeError);
    expect(() => new ExponentialBackoff({ initialDelayMs: -1 })).toThrow(RangeError);
    expect(Object.isFrozen(new ExponentialBackoff().options)).toBe(true);
  });
});

describe("RetrySchedule", () => {
  it("counts attempts and starts over after reset()", () => {
    const schedule = new RetrySchedule(new ExponentialBackoff({ initialDelayMs: 100, maxDelayMs: 10_000, random: () => 0.5 }));
    expect([schedule.next(), schedule.next(), schedule.next()]).toEqual([50, 100, 200]);
    expect(schedule.attempt).toBe(3);
    schedule.reset();
    expect(schedule.attempt).toBe(0);
    expect(schedule.next()).toBe(50);
  });
});
