import { describe, expect, it } from "vitest";
import { createChatDedupe } from "./chat-dedupe.js";

const line = (seq: number | undefined, date = 1000, from = "ann") => ({ seq, date, from, to: null });

describe("chat dedupe", () => {
  it("shows a public line once, however often the history replays it", () => {
    const dedupe = createChatDedupe();
    expect(dedupe.firstTime(line(1))).toBe(true);
    expect(dedupe.firstTime(line(2))).toBe(true);
    expect(dedupe.firstTime(line(1))).toBe(false);
    expect(dedupe.firstTime(line(2))).toBe(false);
  });

  it("takes a restarted server's lines (seq again from 1, new dates) as new", () => {
    const dedupe = createChatDedupe();
    dedupe.firstTime(line(1, 1000));
    expect(dedupe.firstTime(line(1, 5000))).toBe(true);
  });

  it("never drops private lines or lines without seq; forgets everything in another room", () => {
    const dedupe = createChatDedupe();
    expect(dedupe.firstTime({ seq: undefined, date: 1, from: "ann", to: null })).toBe(true);
    expect(dedupe.firstTime({ seq: undefined, date: 1, from: "ann", to: null })).toBe(true);
    expect(dedupe.firstTime({ seq: 3, date: 1, from: "ann", to: "bob" })).toBe(true);
    expect(dedupe.firstTime({ seq: 3, date: 1, from: "ann", to: "bob" })).toBe(true);
    dedupe.firstTime(line(7));
    dedupe.reset();
    expect(dedupe.firstTime(line(7))).toBe(true);
  });

  it("is bounded", () => {
    const dedupe = createChatDedupe(2);
    dedupe.firstTime(line(1));
    dedupe.firstTime(line(2));
    dedupe.firstTime(line(3));
    expect(dedupe.firstTime(line(1))).toBe(true); // forgotten
    expect(dedupe.firstTime(line(3))).toBe(false);
  });
});
