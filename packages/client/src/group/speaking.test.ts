import { describe, expect, it } from "vitest";
import { remoteAudioLevel, SpeakingDetector } from "./speaking.js";

describe("SpeakingDetector", () => {
  it("lights up on one loud sample and goes out only after a run of quiet ones", () => {
    const detector = new SpeakingDetector({ onLevel: 0.1, offLevel: 0.03, quietSamples: 3 });
    const seen = [0.01, 0.2, 0.01, 0.05, 0.01, 0.01, 0.01, null].map((level) => (detector.sample(level), detector.speaking));
    // 0.05 is between the thresholds: it keeps "speaking" and restarts the quiet run.
    expect(seen).toEqual([false, true, true, true, true, true, false, false]);
  });
});

describe("remoteAudioLevel", () => {
  const receiver = (kind: string, levels: (number | undefined)[]) => ({
    track: { kind },
    getSynchronizationSources: () => levels.map((audioLevel) => ({ audioLevel })),
  });

  it("takes the loudest audio source of the receivers", async () => {
    const pc = { getReceivers: () => [receiver("video", [0.9]), receiver("audio", [0.2, 0.4, undefined])] };
    expect(await remoteAudioLevel(pc as unknown as RTCPeerConnection)).toBe(0.4);
  });

  it("falls back to the inbound audio stats, and says null when nothing is known", async () => {
    const stats = new Map([["A", { type: "inbound-rtp", kind: "audio", audioLevel: 0.3 }]]);
    expect(await remoteAudioLevel({ getStats: async () => stats } as unknown as RTCPeerConnection)).toBe(0.3);
    expect(await remoteAudioLevel({ getStats: async () => new Map() } as unknown as RTCPeerConnection)).toBeNull();
  });
});
