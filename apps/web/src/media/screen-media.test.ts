import { describe, expect, it } from "vitest";
import { screenShareFailure, screenVideoConstraints } from "./screen-media.js";

describe("screen capture settings", () => {
  it("15 fps at most; ?video=WxH@fps caps size and rate like the camera", () => {
    expect(screenVideoConstraints("")).toEqual({ frameRate: { max: 15 } });
    expect(screenVideoConstraints("?video=320x240@10")).toEqual({ width: { max: 320 }, height: { max: 240 }, frameRate: { max: 10 } });
    expect(screenVideoConstraints("?video=320x240")).toEqual({ width: { max: 320 }, height: { max: 240 }, frameRate: { max: 15 } });
  });

  it("closing the picker is a calm notice, not an error", () => {
    expect(screenShareFailure(new DOMException("Permission denied", "NotAllowedError"))).toEqual({ message: "Screen sharing was cancelled.", kind: "info" });
    expect(screenShareFailure(new DOMException("nothing", "NotFoundError")).kind).toBe("warning");
  });
});
