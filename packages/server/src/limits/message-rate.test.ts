import { describe, expect, it } from "vitest";
import { MessageRate } from "./message-rate.js";
import { TokenBucket } from "./token-bucket.js";

describe("TokenBucket", () => {
  it("allows a burst, then refills at its rate up to the burst", () => {
    const bucket = new TokenBucket(10, 3, 0);
    expect([bucket.take(0), bucket.take(0), bucket.take(0), bucket.take(0)]).toEqual([true, true, true, false]);
    expect(bucket.take(100)).toBe(true); // 100 ms at 10/s: one token
    expect(bucket.take(100)).toBe(false);
    expect(bucket.isFull(10_000)).toBe(true);
    expect(bucket.take(10_000) && bucket.take(10_000) && bucket.take(10_000)).toBe(true);
    expect(bucket.take(10_000)).toBe(false);
  });

  it("ignores time going backwards", () => {
    const bucket = new TokenBucket(1, 1, 1000);
    expect(bucket.take(1000)).toBe(true);
    expect(bucket.take(0)).toBe(false);
  });
});

describe("MessageRate", () => {
  it("accepts within the limit, drops beyond it reporting once a second, and cuts past twice the limit", () => {
    const rate = new MessageRate(1, 2, 0);
    expect([rate.check(0), rate.check(0)]).toEqual(["accept", "accept"]);
    expect([rate.check(0), rate.check(0)]).toEqual(["drop-and-report", "drop"]);
    expect(rate.check(0)).toBe("cut");
    expect(rate.check(1000)).toBe("accept");
    expect(rate.check(1000)).toBe("drop-and-report");
  });
});
