import { describe, expect, it } from "vitest";
import { formatBytes, percentOf, transferStatus, type TransferSnapshot } from "./transfer-text.js";

const snapshot = (change: Partial<TransferSnapshot>): TransferSnapshot => ({ direction: "incoming", peer: "alice", state: "offered", percent: 0, outcome: null, ...change });

describe("transfer texts", () => {
  it("format sizes", () => {
    expect([formatBytes(0), formatBytes(999), formatBytes(1500), formatBytes(20_971_520), formatBytes(3e9)]).toEqual(["0 B", "999 B", "1.5 kB", "21 MB", "3.0 GB"]);
  });

  it("round percentages down, so 100 % means every byte", () => {
    expect([percentOf(0, 10), percentOf(999, 1000), percentOf(1000, 1000), percentOf(0, 0)]).toEqual([0, 99, 100, 100]);
  });

  it("say where a transfer stands, from either side", () => {
    expect(transferStatus(snapshot({}))).toBe("alice wants to send you this file.");
    expect(transferStatus(snapshot({ direction: "outgoing", state: "transferring", percent: 42 }))).toBe("Sending to alice: 42%");
    expect(transferStatus(snapshot({ state: "done", outcome: { state: "done", file: new Blob(), name: "a", sha256: "", verified: true } }))).toBe("Received from alice, verified.");
    expect(transferStatus(snapshot({ direction: "outgoing", outcome: { state: "declined", reason: "too-large" } }))).toBe("alice does not take files this large.");
    expect(transferStatus(snapshot({ outcome: { state: "cancelled", by: "remote" } }))).toBe("alice cancelled.");
    expect(transferStatus(snapshot({ outcome: { state: "cancelled", by: "local" } }))).toBe("You cancelled.");
    expect(transferStatus(snapshot({ outcome: { state: "failed", reason: "The connection closed." } }))).toBe("Failed: The connection closed.");
  });
});
