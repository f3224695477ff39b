import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { BacklogWatch } from "./backlog-watch.js";

const limits = { maxQueuedBytes: 100, slowConsumerGraceMs: 1000, hardMaxQueuedBytes: 1000 };
let backlog = 0;
let cuts = 0;
let watch: BacklogWatch;
beforeEach(() => {
  vi.useFakeTimers();
  backlog = 0;
  cuts = 0;
  watch = new BacklogWatch(limits, () => backlog, () => cuts++);
});
afterEach(() => vi.useRealTimers());

describe("BacklogWatch", () => {
  it("lets a client over the limit for less than the grace catch up", () => {
    backlog = 500;
    watch.check();
    vi.advanceTimersByTime(700);
    backlog = 500;
    watch.check();
    backlog = 0;
    watch.check();
    vi.advanceTimersByTime(5000);
    expect(cuts).toBe(0);
  });

  it("cuts a client still over the limit when the grace ends, even with no write since", () => {
    backlog = 500;
    watch.check();
    vi.advanceTimersByTime(999);
    expect(cuts).toBe(0);
    vi.advanceTimersByTime(1);
    expect(cuts).toBe(1);
  });

  it("cuts at a write after the grace, once", () => {
    backlog = 500;
    watch.check(0);
    watch.check(1000);
    expect(cuts).toBe(1);
    vi.advanceTimersByTime(5000);
    expect(cuts).toBe(1);
  });

  it("does not cut when the backlog drained by the end of the grace", () => {
    backlog = 500;
    watch.check();
    backlog = 50;
    vi.advanceTimersByTime(1000);
    expect(cuts).toBe(0);
    // A new stall starts a new grace.
    backlog = 500;
    watch.check();
    vi.advanceTimersByTime(999);
    expect(cuts).toBe(0);
  });

  it("cuts at once past the hard limit", () => {
    backlog = 1001;
    watch.check();
    expect(cuts).toBe(1);
  });
});
