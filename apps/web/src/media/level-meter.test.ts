import { describe, expect, it } from "vitest";
import { levelOf } from "./level-meter.js";

describe("microphone level", () => {
  it("is 0 for silence and grows with loudness, capped at 1", () => {
    expect(levelOf(new Float32Array(512))).toBe(0);
    const quiet = levelOf(new Float32Array(512).fill(0.02));
    const loud = levelOf(new Float32Array(512).fill(0.2));
    expect(quiet).toBeGreaterThan(0);
    expect(loud).toBeGreaterThan(quiet);
    expect(levelOf(new Float32Array(512).fill(1))).toBe(1);
  });
});
