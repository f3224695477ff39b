import { describe, expect, it } from "vitest";
import { describeQuality, formatDuration, qualityLevel } from "./format.js";

describe("formatDuration", () => {
  it("formats minutes and seconds", () => {
    expect(formatDuration(0)).toBe("0:00");
    expect(formatDuration(9_999)).toBe("0:09");
    expect(formatDuration(61_000)).toBe("1:01");
  });
  it("adds hours from one hour on", () => {
    expect(formatDuration(3_600_000 + 65_000)).toBe("1:01:05");
  });
  it("never goes negative", () => {
    expect(formatDuration(-5_000)).toBe("0:00");
  });
});

describe("quality", () => {
  it("grades by RTT and loss", () => {
    expect(qualityLevel({})).toBe("unknown");
    expect(qualityLevel({ rttMs: 20, lossFraction: 0 })).toBe("good");
    expect(qualityLevel({ rttMs: 200 })).toBe("fair");
    expect(qualityLevel({ lossFraction: 0.1 })).toBe("poor");
  });
  it("describes what it knows", () => {
    expect(describeQuality({ rttMs: 12.4, lossFraction: 0.005 })).toBe("RTT 12 ms · loss 0.5%");
    expect(describeQuality({})).toBe("measuring…");
  });
});
