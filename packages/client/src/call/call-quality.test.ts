import { describe, expect, it } from "vitest";
import { summarizeStats, type StatsEntry } from "./call-quality.js";

const report = (t: number, received: number, sent: number): StatsEntry[] => [
  { id: "T1", type: "transport", timestamp: t, selectedCandidatePairId: "CP1" },
  { id: "CP1", type: "candidate-pair", timestamp: t, currentRoundTripTime: 0.045, nominated: true, state: "succeeded" },
  { id: "CP2", type: "candidate-pair", timestamp: t, currentRoundTripTime: 0.5 },
  { id: "IA", type: "inbound-rtp", kind: "audio", timestamp: t, packetsReceived: 480, packetsLost: 10, bytesReceived: received / 4 },
  { id: "IV", type: "inbound-rtp", kind: "video", timestamp: t, packetsReceived: 500, packetsLost: 10, bytesReceived: (received * 3) / 4, framesDecoded: 300 },
  { id: "OV", type: "outbound-rtp", kind: "video", timestamp: t, bytesSent: sent },
];

describe("summarizeStats", () => {
  it("reads RTT from the selected pair, loss over inbound streams, frames from inbound video", () => {
    const quality = summarizeStats(report(1000, 100_000, 50_000));
    expect(quality).toEqual({
      timestamp: 1000,
      roundTripTimeMs: 45,
      packetLossPercent: 2,
      framesDecoded: 300,
      bytesReceived: 100_000,
      bytesSent: 50_000,
      inboundKbps: null,
      outboundKbps: null,
    });
  });

  it("computes bitrates against the previous snapshot", () => {
    const first = summarizeStats(report(1000, 100_000, 50_000));
    const second = summarizeStats(report(3000, 350_000, 100_000), first);
    expect(second.inboundKbps).toBe(1000); // 250 kB in 2 s = 1000 kbit/s.
    expect(second.outboundKbps).toBe(200);
  });

  it("falls back to the nominated pair without transport stats, and reports nulls when nothing is known", () => {
    const noTransport = report(1000, 0, 0).filter((entry) => entry.type !== "transport");
    expect(summarizeStats(noTransport).roundTripTimeMs).toBe(45);
    expect(summarizeStats([])).toMatchObject({ roundTripTimeMs: null, packetLossPercent: null, framesDecoded: null });
  });
});
