import { describe, expect, it } from "vitest";
import { groupSummary, groupTiles, type TilePeer } from "./tile-model.js";

const stream = (id: string) => ({ id }) as unknown as MediaStream;
const peer = (overrides: Partial<TilePeer> = {}): TilePeer => ({
  stream: stream("remote"),
  audio: true,
  video: true,
  speaking: false,
  quality: { roundTripTimeMs: 20, packetLossPercent: 0 },
  ...overrides,
});
const local = { stream: stream("local"), audio: true, video: true };

describe("group tiles", () => {
  it("puts yourself first, then the participants in join order", () => {
    const peers = new Map([
      ["bob", peer()],
      ["carol", peer()],
    ]);
    const tiles = groupTiles({ self: "alice", participants: ["carol", "alice", "bob"], peers, local });
    expect(tiles.map((t) => [t.name, t.self])).toEqual([
      ["alice", true],
      ["carol", false],
      ["bob", false],
    ]);
    expect(tiles[0]!.stream).toBe(local.stream);
  });

  it("has a tile only for participants: a peer that left the call has none", () => {
    const peers = new Map([["bob", peer()], ["dave", peer()]]);
    const tiles = groupTiles({ self: "alice", participants: ["alice", "bob"], peers, local });
    expect(tiles.map((t) => t.name)).toEqual(["alice", "bob"]);
  });

  it("shows a participant not connected yet as connecting", () => {
    const tiles = groupTiles({ self: "alice", participants: ["alice", "bob"], peers: new Map(), local });
    expect(tiles[1]).toMatchObject({ name: "bob", connecting: true, stream: null, quality: "unknown" });
    const noStream = groupTiles({ self: "alice", participants: ["bob"], peers: new Map([["bob", peer({ stream: null })]]), local });
    expect(noStream[1]!.connecting).toBe(true);
    const reconnecting = groupTiles({ self: "alice", participants: ["bob"], peers: new Map([["bob", peer({ connection: "disconnected" })]]), local });
    expect(reconnecting[1]!.connecting).toBe(true);
    const connected = groupTiles({ self: "alice", participants: ["bob"], peers: new Map([["bob", peer({ connection: "connected" })]]), local });
    expect(connected[1]!.connecting).toBe(false);
  });

  it("carries the marks: muted microphone, camera off, speaking (not while muted), own state", () => {
    const peers = new Map([
      ["bob", peer({ audio: false, video: false, speaking: true })],
      ["carol", peer({ speaking: true })],
    ]);
    const tiles = groupTiles({ self: "alice", participants: ["bob", "carol"], peers, local: { ...local, audio: false } });
    expect(tiles[0]).toMatchObject({ audio: false, video: true, speaking: false });
    expect(tiles[1]).toMatchObject({ audio: false, video: false, speaking: false });
    expect(tiles[2]).toMatchObject({ audio: true, video: true, speaking: true });
  });

  it("grades each peer's connection from its own quality", () => {
    const peers = new Map([
      ["good", peer({ quality: { roundTripTimeMs: 30, packetLossPercent: 0.5 } })],
      ["fair", peer({ quality: { roundTripTimeMs: 200, packetLossPercent: 0 } })],
      ["poor", peer({ quality: { roundTripTimeMs: 50, packetLossPercent: 12 } })],
      ["unmeasured", peer({ quality: null })],
    ]);
    const tiles = groupTiles({ self: "me", participants: [...peers.keys()], peers, local });
    expect(tiles.slice(1).map((t) => [t.name, t.quality])).toEqual([
      ["good", "good"],
      ["fair", "fair"],
      ["poor", "poor"],
      ["unmeasured", "unknown"],
    ]);
    expect(tiles[3]!.qualityText).toBe("RTT 50 ms · loss 12.0%");
  });
});

describe("the group call banner's text", () => {
  it("says whether a call is on, who is in it, and whether you are", () => {
    expect(groupSummary([], "alice", false)).toBe("No group call in this room yet.");
    expect(groupSummary(["bob"], "alice", false)).toBe("Group call going on with bob.");
    expect(groupSummary(["bob", "carol", "dave"], "alice", false)).toBe("Group call going on with bob, carol and dave.");
    expect(groupSummary(["alice"], "alice", true)).toBe("You are in the group call, waiting for others.");
    expect(groupSummary(["bob", "alice", "carol"], "alice", true)).toBe("You are in the group call with bob and carol.");
  });
});
