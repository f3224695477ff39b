import { usernameKeys } from "@switchboard/protocol";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { BusUnavailableError, type Bus, type BusListener, type ClaimRequest, type ClusterEvent, type ClusterSnapshot } from "../../src/bus/bus.js";
import type { Delivery, LocalState, MemberRecord, SessionHandover } from "../../src/bus/bus.js";
import type { NodeTiming } from "../../src/bus/memory-bus.js";
import { removedKey } from "../../src/bus/removed-key.js";

/** Nodes on one shared store, as a bus implementation's test provides them. */
export interface BusCluster {
  /** A node, not started. */
  node(id: string): Bus;
  /** The node's process died: no goodbye, no more beats. */
  crash(bus: Bus): Promise<void>;
  /** The store is unreachable until the returned function is called. */
  outage(): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

export const CONTRACT_TIMING: NodeTiming = { heartbeatMs: 100, nodeTimeoutMs: 600, resumeGraceMs: 1500 };

import { RecordingListener } from "./recording-listener.js";

export { RecordingListener };

const ROOM = { name: "Lobby", keys: ["lobby-key-1", "lobby-key-2"] };

export function request(name: string, session: string, extra: Partial<ClaimRequest> = {}): ClaimRequest {
  return { room: ROOM, name, nameKeys: usernameKeys(name), session, modern: true, ...extra };
}

const delivery = (fromNode: string, extra: Partial<Delivery> = {}): Delivery => ({
  room: "Lobby",
  to: "bob",
  toSession: "s-bob",
  from: "alice",
  fromSession: "s-alice",
  fromNode,
  type: "video-offer",
  ref: 7,
  frame: new TextEncoder().encode('{"type":"video-offer","sdp":"v=0"}'),
  hops: 0,
  ...extra,
});

/** The contract every Bus implementation passes. */
export function busContract(label: string, makeCluster: (timing: NodeTiming) => Promise<BusCluster>): void {
  describe(`${label} bus contract`, () => {
    let cluster: BusCluster;
    const started: Bus[] = [];

    const startNode = async (id: string, listener = new RecordingListener()) => {
      const bus = cluster.node(id);
      await bus.start(listener);
      started.push(bus);
      return { bus, listener };
    };

    beforeEach(async () => {
      cluster = await makeCluster(CONTRACT_TIMING);
    });
    afterEach(async () => {
      for (const bus of started.splice(0)) await bus.close().catch(() => {});
      await cluster.close();
    });

    it("claims a name once cluster-wide, by every look-alike key, and tells only the other nodes", async () => {
      const a = await startNode("a");
      const b = await startNode("b");
      const first = await a.bus.claim(request("alice", "s1"));
      expect(first).toMatchObject({ ok: true, moved: false, member: { room: "Lobby", name: "alice", node: "a", session: "s1", busy: false } });
      const lookAlike = await b.bus.claim(request("ALICE", "s2"));
      expect(lookAlike).toMatchObject({ ok: false, room: "Lobby" });
      expect(lookAlike.ok === false && lookAlike.takenKeys.length).toBeGreaterThan(0);
      await vi.waitFor(() => expect(b.listener.kinds()).toEqual(["joined"]));
      expect(a.listener.events).toEqual([]);
    });

    it("lets exactly one of many concurrent claims of a name win", async () => {
      const a = await startNode("a");
      const b = await startNode("b");
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? a : b).bus.claim(request("carol", `s${i}`))),
      );
      expect(results.filter((result) => result.ok)).toHaveLength(1);
    });

    it("spells a room as its first user did, whichever look-alike spelling the next one asks for", async () => {
      const a = await startNode("a");
      const b = await startNode("b");
      await a.bus.claim(request("alice", "s1", { room: { name: "Standup", keys: ["standup"] } }));
      const second = await b.bus.claim(request("bob", "s2", { room: { name: "STANDUP", keys: ["standup"] } }));
      expect(second).toMatchObject({ ok: true, member: { room: "Standup" } });
    });

    it("frees a name on release, only for the session that holds it", async () => {
      const a = await startNode("a");
      const b = await startNode("b");
      await a.bus.claim(request("alice", "s1"));
      a.bus.release("Lobby", "alice", "not-s1");
      expect(await b.bus.claim(request("alice", "s2"))).toMatchObject({ ok: false });
      a.bus.release("Lobby", "alice", "s1");
      await vi.waitFor(() => expect(b.listener.kinds()).toEqual(["joined", "left"]));
      expect(b.listener.events[1]).toEqual({ kind: "left", room: "Lobby", name: "alice", session: "s1" });
      expect(await b.bus.claim(request("alice", "s2"))).toMatchObject({ ok: true });
    });

    it("carries busy status changes, not repeats", async () => {
      const a = await startNode("a");
      const b = await startNode("b");
      await a.bus.claim(request("alice", "s1"));
      a.bus.setBusy("Lobby", "alice", "s1", true);
      a.bus.setBusy("Lobby", "alice", "s1", true);
      a.bus.setBusy("Lobby", "alice", "s1", false);
      await vi.waitFor(() => expect(b.listener.kinds()).toEqual(["joined", "status", "status"]));
      expect(b.listener.events[1]).toEqual({ kind: "status", room: "Lobby", name: "alice", session: "s1", busy: true });
    });

    it("keeps a group call to its capacity, in join order, with rising versions", async () => {
      const a = await startNode("a");
      const b = await startNode("b");
      for (const [bus, name] of [[a.bus, "alice"], [b.bus, "bob"], [a.bus, "carol"]] as const) await bus.claim(request(name, `s-${name}`));
      const first = await a.bus.groupJoin("Lobby", "alice", { meshCapacity: 2 });
      const second = await b.bus.groupJoin("Lobby", "bob", { meshCapacity: 2 });
      expect(second).toMatchObject({ participants: ["alice", "bob"] });
      expect(first !== "full" && second !== "full" && second.version > first.version).toBe(true);
      expect(await a.bus.groupJoin("Lobby", "carol", { meshCapacity: 2 })).toBe("full");
      expect(await b.bus.groupJoin("Lobby", "bob", { meshCapacity: 2 })).toMatchObject({ participants: ["alice", "bob"] });
      const left = await a.bus.groupLeave("Lobby", "alice");
      expect(left).toMatchObject({ participants: ["bob"] });
      await vi.waitFor(() => expect(b.listener.events.filter((event) => event.kind === "group")).toHaveLength(2));
      // A user who logs out leaves the group call with its name.
      b.bus.release("Lobby", "bob", "s-bob");
      await vi.waitFor(() => expect(a.listener.events.at(-1)).toMatchObject({ kind: "left", name: "bob" }));
      expect(await a.bus.groupJoin("Lobby", "carol", { meshCapacity: 2 })).toMatchObject({ participants: ["carol"] });
    });

    it("decides a group call's media at its start, takes it to the media server past the mesh, and starts afresh once empty", async () => {
      const a = await startNode("a");
      const b = await startNode("b");
      const names = ["ann", "ben", "cat", "dan"];
      for (const [i, name] of names.entries()) await (i % 2 ? b : a).bus.claim(request(name, `s-${name}`));
      const large = (available: boolean) => ({ meshCapacity: 2, sfu: { calls: "large" as const, capacity: 3, available } });
      expect(await a.bus.groupJoin("Lobby", "ann", large(true))).toMatchObject({ media: "mesh", participants: ["ann"] });
      expect(await b.bus.groupJoin("Lobby", "ben", large(true))).toMatchObject({ media: "mesh" });
      // Past the mesh with the media server down: refused as such, not as full.
      expect(await a.bus.groupJoin("Lobby", "cat", large(false))).toBe("media-unavailable");
      expect(await a.bus.groupJoin("Lobby", "cat", large(true))).toMatchObject({ media: "sfu", participants: ["ann", "ben", "cat"] });
      await vi.waitFor(() => expect(b.listener.events.filter((event) => event.kind === "group").at(-1)).toMatchObject({ media: "sfu" }));
      expect(await b.bus.groupJoin("Lobby", "dan", large(true))).toBe("full");
      // Shrinking does not take it back to a mesh...
      expect(await a.bus.groupLeave("Lobby", "cat")).toMatchObject({ media: "sfu", participants: ["ann", "ben"] });
      await a.bus.groupLeave("Lobby", "ann");
      expect(await b.bus.groupLeave("Lobby", "ben")).toMatchObject({ media: "mesh", participants: [] });
      // ...its end does; SFU_CALLS=all starts through the media server when it is up, else as a mesh.
      const all = (available: boolean) => ({ meshCapacity: 2, sfu: { calls: "all" as const, capacity: 3, available } });
      expect(await b.bus.groupJoin("Lobby", "dan", all(false))).toMatchObject({ media: "mesh" });
      await b.bus.groupLeave("Lobby", "dan");
      expect(await b.bus.groupJoin("Lobby", "dan", all(true))).toMatchObject({ media: "sfu" });
      const c = await startNode("c");
      expect(c.listener.resets[0]!.snapshot.rooms.find((room) => room.room === "Lobby")!.group).toMatchObject({ media: "sfu", participants: ["dan"] });
    });

    it("numbers public chat across nodes and keeps the last messages for nodes that start later", async () => {
      const a = await startNode("a");
      const b = await startNode("b");
      await a.bus.claim(request("alice", "s1"));
      const seqs: number[] = [];
      for (let i = 0; i < 5; i++) {
        const bus = i % 2 === 0 ? a.bus : b.bus;
        seqs.push((await bus.postChat("Lobby", { type: "message", name: "alice", text: `hi ${i}`, date: 1000 + i }, 3)).seq!);
      }
      expect(seqs).toEqual([1, 2, 3, 4, 5]);
      await vi.waitFor(() => expect(b.listener.events.filter((event) => event.kind === "chat")).toHaveLength(3));
      const c = await startNode("c");
      const room = c.listener.resets[0]!.snapshot.rooms.find((snapshot) => snapshot.room === "Lobby")!;
      expect(room.history.map((message) => [message.text, message.seq])).toEqual([["hi 2", 3], ["hi 3", 4], ["hi 4", 5]]);
      expect(room.members.map((member) => member.name)).toEqual(["alice"]);
    });

    it("starts a node from the cluster's state: users in login order, the group call, the room's settings", async () => {
      const a = await startNode("a");
      for (const name of ["zoe", "adam", "mia"]) await a.bus.claim(request(name, `s-${name}`, { modern: name !== "adam", ...(name === "mia" && { moderator: true }) }));
      await a.bus.groupJoin("Lobby", "mia", { meshCapacity: 5 });
      const settings = { version: 1, locked: true, password: "scrypt$salt$key", removed: [removedKey("bob")] };
      expect(await a.bus.changeSettings("Lobby", { locked: true, password: "scrypt$salt$key", removed: [removedKey("bob")] })).toEqual(settings);
      const b = await startNode("b");
      const room = b.listener.resets[0]!.snapshot.rooms[0]!;
      expect(room.members.map((member) => [member.name, member.node, member.modern, member.moderator === true])).toEqual([
        ["zoe", "a", true, false],
        ["adam", "a", false, false],
        ["mia", "a", true, true],
      ]);
      expect(room.group.participants).toEqual(["mia"]);
      expect(room.settings).toEqual(settings);
    });

    it("carries a room's settings to the other nodes, and a removal to the removed user's node", async () => {
      const a = await startNode("a");
      const b = await startNode("b");
      await b.bus.claim(request("bob", "s-bob"));
      await a.bus.changeSettings("Lobby", { locked: true });
      // A change keeps what it does not name, and numbers the settings.
      expect(await a.bus.changeSettings("Lobby", { password: "scrypt$a$b" })).toEqual({ version: 2, locked: true, password: "scrypt$a$b" });
      expect(await a.bus.changeSettings("Lobby", { clearPassword: true })).toEqual({ version: 3, locked: true });
      a.bus.release("Lobby", "bob", "s-bob", true);
      await vi.waitFor(() => expect(b.listener.kinds()).toEqual(["settings", "settings", "settings", "left"]));
      expect(b.listener.events.at(-2)).toEqual({ kind: "settings", room: "Lobby", settings: { version: 3, locked: true } });
      expect(b.listener.events.at(-1)).toEqual({ kind: "left", room: "Lobby", name: "bob", session: "s-bob", removed: true });
      // A room nobody is in has no settings to keep.
      await expect(a.bus.changeSettings("Empty", { locked: true })).resolves.toBeUndefined();
    });

    it("broadcasts to the other nodes only, in order with the state changes", async () => {
      const a = await startNode("a");
      const b = await startNode("b");
      await a.bus.claim(request("alice", "s1"));
      a.bus.broadcast("Lobby", new TextEncoder().encode('{"type":"x"}'));
      a.bus.setBusy("Lobby", "alice", "s1", true);
      await vi.waitFor(() => expect(b.listener.kinds()).toEqual(["joined", "broadcast", "status"]));
      const broadcast = b.listener.events[1] as Extract<ClusterEvent, { kind: "broadcast" }>;
      expect(new TextDecoder().decode(broadcast.frame)).toBe('{"type":"x"}');
      expect(a.listener.events).toEqual([]);
    });

    it("relays to one node, and tells the origin when the target was not there or its node is gone", async () => {
      const a = await startNode("a");
      const b = await startNode("b");
      a.bus.relay("b", delivery("a"));
      await vi.waitFor(() => expect(b.listener.relays).toHaveLength(1));
      const relayed = b.listener.relays[0]!;
      expect({ ...relayed, frame: new TextDecoder().decode(relayed.frame) }).toEqual({
        ...delivery("a"),
        frame: '{"type":"video-offer","sdp":"v=0"}',
      });
      b.bus.undelivered(relayed);
      await vi.waitFor(() => expect(a.listener.undeliveredRelays).toHaveLength(1));
      a.bus.relay("nowhere", delivery("a", { ref: "r2" }));
      await vi.waitFor(() => expect(a.listener.undeliveredRelays.map((undelivered) => undelivered.ref)).toEqual([7, "r2"]));
    });

    it("carries frames byte for byte: relays, undelivered relays, broadcasts, handovers", async () => {
      const a = await startNode("a");
      const b = await startNode("b");
      // Every byte value, newlines and invalid UTF-8 included.
      const bytes = Uint8Array.from({ length: 512 }, (_, i) => (i * 7) % 256);
      a.bus.relay("b", delivery("a", { frame: bytes }));
      a.bus.broadcast("Lobby", bytes);
      await vi.waitFor(() => expect(b.listener.relays).toHaveLength(1));
      expect([...b.listener.relays[0]!.frame]).toEqual([...bytes]);
      b.bus.undelivered(b.listener.relays[0]!);
      await vi.waitFor(() => expect(a.listener.undeliveredRelays).toHaveLength(1));
      expect([...a.listener.undeliveredRelays[0]!.frame]).toEqual([...bytes]);
      await vi.waitFor(() => expect(b.listener.kinds()).toEqual(["broadcast"]));
      expect([...(b.listener.events[0] as Extract<ClusterEvent, { kind: "broadcast" }>).frame]).toEqual([...bytes]);
      a.listener.sessions.set("token-1", { state: {}, frames: [bytes, bytes.subarray(0, 1)] });
      const handover = await b.bus.takeSession("a", "token-1");
      expect(handover !== "unreachable" && handover?.frames.map((frame) => [...frame])).toEqual([[...bytes], [bytes[0]]]);
    });

    it("hands a session over to the node its client resumed on", async () => {
      const a = await startNode("a");
      const b = await startNode("b");
      a.listener.sessions.set("token-1", { state: { name: "alice" }, frames: [new Uint8Array([1, 2, 3]), new Uint8Array([])] });
      const handover = await b.bus.takeSession("a", "token-1");
      expect(handover).toEqual({ state: { name: "alice" }, frames: [new Uint8Array([1, 2, 3]), new Uint8Array([])] });
      expect(a.listener.handOvers).toEqual([{ token: "token-1", to: "b" }]);
      expect(await b.bus.takeSession("a", "other")).toBeUndefined();
      await cluster.crash(a.bus);
      expect(await b.bus.takeSession("a", "token-1")).toBe("unreachable");
    });

    it("finds resumable sessions, and keeps them for the grace once forgotten with one", async () => {
      const a = await startNode("a");
      const b = await startNode("b");
      await a.bus.claim(request("alice", "s1"));
      a.bus.rememberResumable("hash-1", { room: "Lobby", name: "alice", session: "s1" });
      await vi.waitFor(async () => expect(await b.bus.findResumable("hash-1")).toEqual({ room: "Lobby", name: "alice", session: "s1", node: "a", alive: true }));
      a.bus.rememberResumable("hash-2", { room: "Lobby", name: "alice", session: "s1" });
      a.bus.forgetResumable("hash-2");
      a.bus.forgetResumable("hash-1", 300);
      await vi.waitFor(async () => expect(await b.bus.findResumable("hash-2")).toBeUndefined());
      expect(await b.bus.findResumable("hash-1")).toMatchObject({ session: "s1" });
      await vi.waitFor(async () => expect(await b.bus.findResumable("hash-1")).toBeUndefined(), { timeout: 2000 });
    });

    it("removes a crashed node's users within its timeout: the others see them leave, their names are free", async () => {
      const a = await startNode("a");
      const b = await startNode("b");
      await a.bus.claim(request("alice", "s1"));
      await a.bus.groupJoin("Lobby", "alice", { meshCapacity: 4 });
      a.bus.rememberResumable("hash-1", { room: "Lobby", name: "alice", session: "s1" });
      await cluster.crash(a.bus);
      const crashedAt = Date.now();
      await vi.waitFor(() => expect(b.listener.events.at(-1)).toEqual({ kind: "left", room: "Lobby", name: "alice", session: "s1" }), {
        timeout: 5000,
      });
      expect(Date.now() - crashedAt).toBeLessThan(CONTRACT_TIMING.nodeTimeoutMs + 3 * CONTRACT_TIMING.heartbeatMs + 500);
      expect(await b.bus.claim(request("alice", "s2"))).toMatchObject({ ok: true });
      // Its users may still come back with their tokens for the grace.
      expect(await b.bus.findResumable("hash-1")).toMatchObject({ session: "s1", alive: false });
    });

    it("reaps a crashed node once, however many nodes reap", async () => {
      const a = await startNode("a");
      const b = await startNode("b");
      const c = await startNode("c");
      await a.bus.claim(request("alice", "s1"));
      await cluster.crash(a.bus);
      const lefts = (listener: RecordingListener) => listener.events.filter((event) => event.kind === "left");
      await vi.waitFor(() => expect([lefts(b.listener), lefts(c.listener)].map((events) => events.length)).toEqual([1, 1]), { timeout: 5000 });
      // Several more rounds of reaping change nothing.
      await new Promise((resolve) => setTimeout(resolve, 5 * CONTRACT_TIMING.heartbeatMs));
      expect([b.listener.kinds(), c.listener.kinds()]).toEqual([["joined", "left"], ["joined", "left"]]);
    });

    it("moves a user to the session that replaces it: no leave, no join, its place kept", async () => {
      const a = await startNode("a");
      const b = await startNode("b");
      const c = await startNode("c");
      await a.bus.claim(request("alice", "s1"));
      await b.bus.claim(request("bob", "s-bob"));
      await cluster.crash(a.bus);
      const moved = await b.bus.claim(request("alice", "s2", { replaces: "s1" }));
      expect(moved).toMatchObject({ ok: true, moved: true, member: { name: "alice", session: "s2", node: "b" } });
      await vi.waitFor(() => expect(c.listener.kinds()).toEqual(["joined", "joined", "moved"]));
      expect(c.listener.events[2]).toMatchObject({ kind: "moved", previousSession: "s1", member: { session: "s2", node: "b" } });
      const d = await startNode("d");
      expect(d.listener.resets[0]!.snapshot.rooms[0]!.members.map((member) => member.name)).toEqual(["alice", "bob"]);
      // Replacing a session under another name: the old one leaves, the new one joins.
      await c.bus.claim(request("dave", "s3"));
      await c.bus.claim(request("david", "s4", { replaces: "s3" }));
      await vi.waitFor(() => expect(d.listener.kinds()).toEqual(["joined", "left", "joined"]));
    });

    it("refuses what needs the store while it is unreachable, then restores each node's users", async () => {
      const a = await startNode("a");
      const b = await startNode("b");
      const alice = await a.bus.claim(request("alice", "s1"));
      const bob = await b.bus.claim(request("bob", "s2"));
      const local = (member: MemberRecord): LocalState => ({
        members: [{ ...member, roomKeys: ROOM.keys, nameKeys: usernameKeys(member.name) }],
        groupCalls: [],
        histories: [{ room: "Lobby", messages: [{ type: "message", name: member.name, text: "kept", date: 1, seq: 9 }] }],
        settings: [{ room: "Lobby", settings: { version: 1, locked: true } }],
      });
      a.listener.state = local(alice.ok ? alice.member : (undefined as never));
      b.listener.state = local(bob.ok ? bob.member : (undefined as never));
      const restore = await cluster.outage();
      await vi.waitFor(() => expect(a.bus.up).toBe(false), { timeout: 5000 });
      await expect(a.bus.claim(request("carol", "s3"))).rejects.toBeInstanceOf(BusUnavailableError);
      expect(a.listener.healths).toContain(false);
      await restore();
      await vi.waitFor(
        () => {
          expect(a.bus.up).toBe(true);
          expect(b.bus.up).toBe(true);
          for (const node of [a, b]) {
            // Reset again, then told of the users restored after its reset: a store that lost
            // everything learns each node's users as each node restores them, in any order.
            expect(node.listener.resets.length).toBeGreaterThan(1);
            expect(node.listener.namesIn("Lobby")).toEqual(["alice", "bob"]);
          }
        },
        { timeout: 10_000 },
      );
      expect(a.bus.outages).toBe(1);
      expect(a.listener.healths.at(-1)).toBe(true);
      expect(await a.bus.claim(request("bob", "s9"))).toMatchObject({ ok: false });
      const seq = (await a.bus.postChat("Lobby", { type: "message", name: "alice", text: "after", date: 2 }, 10)).seq;
      expect(seq).toBeGreaterThan(9);
    });
  });
}
