import { describe, expect, it } from "vitest";
import { fakeStream, fakeTrack } from "../../test/support/fake-media.js";
import { replaceStreamTrack } from "./stream-tracks.js";

describe("replaceStreamTrack", () => {
  it("swaps the track of the same kind, keeps the other kind, and carries `enabled` over", () => {
    const mic = fakeTrack("audio", "mic");
    const cam = fakeTrack("video", "cam-1");
    cam.enabled = false; // Camera off before the switch: still off after it.
    const stream = fakeStream(mic, cam);
    const next = fakeTrack("video", "cam-2");
    expect(replaceStreamTrack(stream, next)).toBe(cam);
    expect(stream.getTracks().map((t) => t.id)).toEqual(["mic", "cam-2"]);
    expect(next.enabled).toBe(false);
  });

  it("is idempotent: a track already in the stream changes nothing", () => {
    const next = fakeTrack("audio", "mic-2");
    const stream = fakeStream(fakeTrack("audio", "mic-1"));
    replaceStreamTrack(stream, next);
    expect(replaceStreamTrack(stream, next)).toBeNull();
    expect(stream.getTracks()).toEqual([next]);
  });

  it("refuses a kind the stream does not send (that would need renegotiation)", () => {
    const stream = fakeStream(fakeTrack("audio", "mic"));
    expect(() => replaceStreamTrack(stream, fakeTrack("video", "cam"))).toThrow(/sends no video/);
    expect(stream.getTracks().map((t) => t.id)).toEqual(["mic"]);
  });
});
