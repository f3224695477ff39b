import { describe, expect, it } from "vitest";
import { decodeFrame, nestsDeeperThan } from "./codec.js";

describe("decodeFrame", () => {
  it("returns the parsed message when the envelope is right", () => {
    expect(decodeFrame('{"type":"video-offer","target":"b","sdp":{}}', 32)).toEqual({
      ok: true,
      message: { type: "video-offer", target: "b", sdp: {} },
    });
  });

  it.each([
    ["{", "bad-json"],
    ["", "bad-json"],
    ["[]", "not-an-object"],
    ["1", "not-an-object"],
    ["null", "not-an-object"],
    ['"x"', "not-an-object"],
    ["{}", "missing-type"],
    ['{"type":null}', "missing-type"],
    ['{"type":""}', "missing-type"],
    [JSON.stringify({ type: "t".repeat(65) }), "missing-type"],
  ])("%j -> %s", (frame, code) => {
    expect(decodeFrame(frame, 32)).toMatchObject({ ok: false, code });
  });

  it("keeps the ref of a message without a type, so the error can echo it", () => {
    expect(decodeFrame('{"ref":"r1"}', 32)).toEqual({ ok: false, code: "missing-type", ref: "r1" });
  });

  it("refuses a message nested deeper than the limit, wherever the depth is, and keeps its ref", () => {
    const nest = (depth: number, leaf: (inner: unknown) => unknown) => {
      let value: unknown = 1;
      for (let i = 0; i < depth; i++) value = leaf(value);
      return value;
    };
    // The message itself is depth 1: a `data` of 31 more levels is 32 in all.
    const ok = { type: "app", ref: 7, data: nest(31, (inner) => ({ inner })) };
    expect(decodeFrame(JSON.stringify(ok), 32)).toMatchObject({ ok: true });
    for (const leaf of [(inner: unknown) => ({ inner }), (inner: unknown) => [inner], (inner: unknown) => [0, { a: inner }][1]]) {
      const deep = { type: "app", ref: 7, data: nest(32, leaf) };
      expect(decodeFrame(JSON.stringify(deep), 32)).toEqual({ ok: false, code: "too-deep", ref: 7 });
    }
    // 100,000 levels: JSON.parse copes; the check stops at the limit instead of overflowing the stack.
    const hostile = `{"type":"message","text":"x","extra":${"[".repeat(100_000)}${"]".repeat(100_000)}}`;
    expect(decodeFrame(hostile, 32)).toEqual({ ok: false, code: "too-deep" });
  });

  it("counts arrays and objects alike, and strings not at all", () => {
    expect(nestsDeeperThan({ a: [[]] }, 3)).toBe(false);
    expect(nestsDeeperThan({ a: [[[]]] }, 3)).toBe(true);
    expect(nestsDeeperThan({ sdp: "{".repeat(10_000) }, 1)).toBe(false);
  });
});
