import { describe, expect, it } from "vitest";
import { loadDevicePrefs, saveDevicePrefs } from "./device-prefs.js";

function memoryStorage(initial: string | null = null) {
  let value = initial;
  return {
    getItem: () => value,
    setItem: (_key: string, next: string) => void (value = next),
    get value() {
      return value;
    },
  };
}

describe("remembered devices", () => {
  it("round-trips the choices", () => {
    const storage = memoryStorage();
    saveDevicePrefs({ camera: "c2", microphone: null, speaker: "s1" }, storage);
    expect(loadDevicePrefs(storage)).toEqual({ camera: "c2", microphone: null, speaker: "s1" });
  });

  it("forgets what it cannot trust: junk, wrong types, ids too long", () => {
    expect(loadDevicePrefs(memoryStorage("{not json"))).toEqual({ camera: null, microphone: null, speaker: null });
    expect(loadDevicePrefs(memoryStorage(JSON.stringify([1, 2])))).toEqual({ camera: null, microphone: null, speaker: null });
    const mixed = JSON.stringify({ camera: 42, microphone: "m1", speaker: "x".repeat(300) });
    expect(loadDevicePrefs(memoryStorage(mixed))).toEqual({ camera: null, microphone: "m1", speaker: null });
  });

  it("a storage that throws (full, private mode) just forgets", () => {
    const broken = { getItem: () => { throw new Error("denied"); }, setItem: () => { throw new Error("full"); } };
    expect(() => saveDevicePrefs({ camera: "c", microphone: null, speaker: null }, broken)).not.toThrow();
    expect(loadDevicePrefs(broken)).toEqual({ camera: null, microphone: null, speaker: null });
  });
});
