import { describe, expect, it } from "vitest";
import { describeMediaError } from "./media-errors.js";
import { fallbackNotice, groupVideoConstraints, openLocalMedia } from "./local-media.js";

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

describe("groupVideoConstraints", () => {
  it("asks for less than a 1:1 call by default (one copy per participant), or what ?video= says", () => {
    expect(groupVideoConstraints("")).toEqual({ width: { ideal: 640 }, height: { ideal: 360 }, frameRate: { ideal: 24 } });
    expect(groupVideoConstraints("?video=320x240")).toEqual({ width: { ideal: 320 }, height: { ideal: 240 } });
    expect(groupVideoConstraints("?relay=1&video=320x240@15")).toEqual({ width: { ideal: 320 }, height: { ideal: 240 }, frameRate: { ideal: 15 } });
    expect(groupVideoConstraints("?video=huge")).toEqual(groupVideoConstraints(""));
  });
});
