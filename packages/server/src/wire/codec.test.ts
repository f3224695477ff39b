import { describe, expect, it } from "vitest";
import { decodeFrame } from "./codec.js";

describe("decodeFrame", () => {
  it("returns the parsed message when the envelope is right", () => {
    expect(decodeFrame('{"type":"video-offer","target":"b","sdp":{}}')).toEqual({
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
    expect(decodeFrame(frame)).toMatchObject({ ok: false, code });
  });

  it("keeps the ref of a message without a type, so the error can echo it", () => {
    expect(decodeFrame('{"ref":"r1"}')).toEqual({ ok: false, code: "missing-type", ref: "r1" });
  });
});
