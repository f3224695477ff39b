import { describe, expect, it } from "vitest";
import { describeMediaError } from "./media-errors.js";
import { fallbackNotice, openLocalMedia } from "./local-media.js";

const domError = (name: string) => Object.assign(new Error(name), { name });

describe("describeMediaError", () => {
  it.each([
    ["NotFoundError", /No camera or microphone was found/],
    ["NotAllowedError", /was blocked/],
    ["NotReadableError", /in use by another application/],
    ["OverconstrainedError", /does not support the requested settings/],
    ["SomethingElse", /could not be started/],
  ])("%s", (name, expected) => {
    expect(describeMediaError(domError(name)).message).toMatch(expected);
  });
});

describe("openLocalMedia", () => {
  const fakeStream = {} as MediaStream;
  it("falls back to audio only when the camera is missing", async () => {
    const media = await openLocalMedia(async (c) => {
      if (c.video) throw domError("NotFoundError");
      return fakeStream;
    });
    expect(media.kind).toBe("audio");
    expect(fallbackNotice(media)).toMatch(/audio only/);
  });
  it("ends receive-only when nothing can be opened", async () => {
    const media = await openLocalMedia(async () => {
      throw domError("NotAllowedError");
    });
    expect(media).toMatchObject({ stream: null, kind: "none" });
    expect(fallbackNotice(media)).toMatch(/can't see or hear you/);
  });
});
