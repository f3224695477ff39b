// Hubs in a cluster, without sockets: each node's hub on its own MemoryBus, all on one broker,
// each bus reporting to a HubReplica of its hub (as createServer wires it). Fake timers except
// where a test says otherwise; the broker delivers on microtasks, which they do not fake.
import { afterEach, describe, expect, it, vi } from "vitest";
import { MemoryBroker, type NodeTiming } from "../bus/memory-bus.js";
import { logIn, rejectedBy, seen, startNode, TestPeer, thrownBy, type TestNode } from "../../test/support/hub-peer.js";
import type { HubOptions } from "./hub.js";

const OPTIONS: Partial<HubOptions> = { presenceIntervalMs: 100, historySize: 10, maxMeshParticipants: 3 };

let broker: MemoryBroker;
const nodes: TestNode[] = [];

type Nodes<N extends 2 | 3> = N extends 2 ? [TestNode, TestNode] : [TestNode, TestNode, TestNode];

/** `count` nodes, A, B (and C), on one fresh broker; on fake timers unless `realTimers`. */
async function cluster<N extends 2 | 3>(
  count: N,
  { timing, realTimers = false, options = {} }: { timing?: NodeTiming; realTimers?: boolean; options?: Partial<HubOptions> } = {},
): Promise<Nodes<N>> {
  if (!realTimers) vi.useFakeTimers();
  broker = new MemoryBroker(timing);
  for (let i = 0; i < count; i++) nodes.push(await startNode(broker, { ...OPTIONS, ...options }, String.fromCharCode(0x41 + i)));
  return [...nodes] as Nodes<N>;
}

afterEach(async () => {
  for (const node of nodes.splice(0)) await node.close();
  vi.useRealTimers();
});

/** Lets the bus deliver everything under way (and what that causes), then runs the timers due in `ms`. */
const settle = (ms = 0) => vi.advanceTimersByTimeAsync(ms);

const codeOf = (error: { code: string } | undefined) => error?.code;
const latestGroupCall = (peer: TestPeer) => peer.of("group-call").at(-1)?.participants;
const sorted = (names: string[]) => [...names].sort();

/** Each user's status as a modern peer has been told it: the snapshot's `busy`, then `user-status`. */
function statusesSeen(peer: TestPeer): Map<string, string> {
  const statuses = new Map<string, string>();
  for (const message of peer.inbox) {
    if (message.type === "userlist") {
      statuses.clear();
      for (const name of message.busy as string[]) statuses.set(name, "busy");
    }
    if (message.type === "user-status") statuses.set(message.name as string, message.status as string);
  }
  return statuses;
}

async function until(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`not so within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe("hubs in a cluster", () => {
  it("keep names unique cluster-wide: a look-alike of a name on another node is renamed by the article's rule", async () => {
    const [a, b] = await cluster(2);
    const alice = await logIn(a.hub, "alice");
    await settle();
    const upper = await logIn(b.hub, "ALICE", undefined, false);
    expect(upper.name).toBe("ALICE1");
    expect(upper.of("rejectusername")).toEqual([{ type: "rejectusername", name: "ALICE1" }]);
    // Both at once, before either node has heard of the other's: the store refuses the second
    // claim, and that node renames by what the store found taken.
    const [bob, otherBob] = await Promise.all([logIn(a.hub, "bob"), logIn(b.hub, "Bob")]);
    expect([bob.name, otherBob.name]).toEqual(["bob", "Bob1"]);
    expect(otherBob.of("rejectusername")).toEqual([{ type: "rejectusername", name: "Bob1" }]);
    await settle(100);
    expect(sorted(seen(alice))).toEqual(["ALICE1", "Bob1", "alice", "bob"]);
    expect(sorted(seen(otherBob))).toEqual(["ALICE1", "Bob1", "alice", "bob"]);
  });

  it("show other nodes' users in presence: in the snapshot at login and in the deltas, modern and article formats", async () => {
    const [a, b] = await cluster(2);
    const legacy = await logIn(a.hub, "old", undefined, false);
    const modern = await logIn(a.hub, "new");
    await settle(100);
    const watcher = await logIn(b.hub, "w");
    expect(watcher.of("userlist")).toEqual([{ type: "userlist", users: ["old", "new", "w"], busy: [], legacy: ["old"] }]);
    await settle(100);
    expect(legacy.of("userlist").at(-1)).toEqual({ type: "userlist", users: ["old", "new", "w"] });
    expect(modern.of("user-joined").at(-1)).toEqual({ type: "user-joined", users: ["w"] });
    const x = await logIn(a.hub, "x", undefined, false);
    await logIn(a.hub, "y");
    a.hub.logout(x);
    await settle(100);
    expect(watcher.inbox.filter((m) => m.type === "user-joined" || m.type === "user-left")).toEqual([
      { type: "user-joined", users: ["w"] },
      { type: "user-joined", users: ["x", "y"], legacy: ["x"] },
      { type: "user-left", users: ["x"] },
    ]);
    expect(legacy.of("userlist").at(-1)).toEqual({ type: "userlist", users: ["old", "new", "w", "y"] });
  });

  it("number public chat once for the cluster: everyone gets each message under one seq, and there is one history", async () => {
    const [a, b] = await cluster(2);
    const ann = await logIn(a.hub, "ann");
    const ben = await logIn(b.hub, "ben");
    const old = await logIn(b.hub, "old", undefined, false);
    await settle();
    await a.hub.chat(ann, { type: "message", text: "<one>", date: 1 });
    await b.hub.chat(ben, { type: "message", text: "two", date: 2 });
    await a.hub.chat(ann, { type: "message", text: "three", date: 3 });
    await settle();
    const messages = [
      { type: "message", name: "ann", text: "<one>", date: 1, seq: 1 },
      { type: "message", name: "ben", text: "two", date: 2, seq: 2 },
      { type: "message", name: "ann", text: "three", date: 3, seq: 3 },
    ];
    expect(ann.of("message")).toEqual(messages);
    expect(ben.of("message")).toEqual(messages);
    expect(old.of("message")).toEqual([{ ...messages[0], text: "&lt;one&gt;" }, messages[1], messages[2]]);
    // A login anywhere gets the same history, on a node that joins the cluster later too.
    nodes.push(await startNode(broker, OPTIONS, "C"));
    for (const node of nodes) expect((await logIn(node.hub, `late-${node.bus.nodeId}`)).of("history")).toEqual([{ type: "history", messages }]);
  });

  it("deliver a targeted message and private chat to a user on another node, stamped with the sender", async () => {
    const [a, b] = await cluster(2);
    const alice = await logIn(a.hub, "alice");
    const bob = await logIn(b.hub, "bob");
    const old = await logIn(b.hub, "old", undefined, false);
    await settle();
    a.hub.relay(alice, { type: "video-offer", target: "bob", name: "mallory", from: "mallory", sdp: { x: 1 } });
    const text = '{"type":"app-note","target":"bob","note":"é"}';
    a.hub.relay(alice, JSON.parse(text), Buffer.from(text));
    await a.hub.chat(alice, { type: "message", text: "<psst>", target: "old", date: 5 });
    await settle();
    expect(bob.of("video-offer")).toEqual([{ type: "video-offer", target: "bob", name: "alice", from: "alice", sdp: { x: 1 } }]);
    expect(bob.of("app-note")).toEqual([{ type: "app-note", target: "bob", note: "é", name: "alice", from: "alice" }]);
    expect(old.of("message")).toEqual([{ type: "message", name: "alice", text: "&lt;psst&gt;", date: 5, target: "old" }]);
    expect([alice.of("message"), bob.of("message"), old.of("video-offer"), old.of("app-note")]).toEqual([[], [], [], []]);
  });

  it("send an untargeted app message to everyone in the room, on every node, once", async () => {
    const [a, b, c] = await cluster(3);
    const alice = await logIn(a.hub, "alice");
    const others = [await logIn(a.hub, "ann"), await logIn(b.hub, "bob"), await logIn(c.hub, "cid", undefined, false), await logIn(c.hub, "cid", "elsewhere")];
    await settle();
    a.hub.relay(alice, { type: "app-note", note: 1 });
    await settle();
    expect(others.map((peer) => peer.of("app-note"))).toEqual([...Array(3).fill([{ type: "app-note", note: 1, name: "alice", from: "alice" }]), []]);
    expect(alice.of("app-note")).toEqual([{ type: "app-note", note: 1, name: "alice", from: "alice" }]);
  });

  it("send an untargeted call message to the sender's partner on another node, both ways, until hang-up", async () => {
    const [a, b] = await cluster(2);
    const alice = await logIn(a.hub, "alice");
    const bob = await logIn(b.hub, "bob");
    const bystanders = [await logIn(a.hub, "carol"), await logIn(b.hub, "dave")];
    await settle();
    a.hub.relay(alice, { type: "video-offer", target: "bob", sdp: {} });
    await settle();
    b.hub.relay(bob, { type: "new-ice-candidate", target: null, candidate: { c: 1 } });
    a.hub.relay(alice, { type: "media-state", audio: false, video: true });
    await settle();
    expect(alice.of("new-ice-candidate")).toEqual([{ type: "new-ice-candidate", target: null, candidate: { c: 1 }, name: "bob", from: "bob" }]);
    expect(bob.of("media-state")).toEqual([{ type: "media-state", audio: false, video: true, name: "alice", from: "alice" }]);
    b.hub.relay(bob, { type: "hang-up" });
    await settle();
    expect(alice.of("hang-up")).toEqual([{ type: "hang-up", name: "bob", from: "bob" }]);
    // Both nodes saw the hang-up: neither links them any more.
    expect(thrownBy(() => a.hub.relay(alice, { type: "video-answer" }))?.code).toBe("no-call");
    expect(thrownBy(() => b.hub.relay(bob, { type: "video-answer" }))?.code).toBe("no-call");
    for (const bystander of bystanders) {
      expect(bystander.inbox.filter((m) => ["video-offer", "new-ice-candidate", "media-state", "hang-up"].includes(m.type as string))).toEqual([]);
    }
  });

  it("hang up on the B partners of a user who logs out on A, and take it out of the group call there", async () => {
    const [a, b] = await cluster(2);
    const alice = await logIn(a.hub, "alice");
    const bob = await logIn(b.hub, "bob");
    await settle();
    await a.hub.groupJoin(alice);
    await b.hub.groupJoin(bob);
    a.hub.relay(alice, { type: "video-offer", target: "bob", sdp: {}, callId: "group:lobby:alice|bob" });
    await settle();
    expect(latestGroupCall(bob)).toEqual(["alice", "bob"]);
    a.hub.logout(alice);
    await settle();
    const gone = { type: "hang-up", name: "alice", from: "alice", target: "bob", reason: "gone" };
    // Every hang-up bob got is that one (how many: see the test below).
    expect(bob.of("hang-up")).toContainEqual(gone);
    for (const hangUp of bob.of("hang-up")) expect(hangUp).toEqual(gone);
    expect(latestGroupCall(bob)).toEqual(["bob"]);
    expect(b.hub.groupCallParticipants).toBe(1);
    expect(thrownBy(() => b.hub.relay(bob, { type: "video-answer" }))?.code).toBe("no-call");
  });

  // A known bug, left to the hub's owner: node A's Room.remove sends its hang-up to bob through
  // the bus as well, so bob gets one from each node. Remove `.fails` once it gets one.
  it("hang up on a partner on another node once, not once from each node", async () => {
    const [a, b] = await cluster(2);
    const alice = await logIn(a.hub, "alice");
    const bob = await logIn(b.hub, "bob");
    await settle();
    a.hub.relay(alice, { type: "video-offer", target: "bob", sdp: {} });
    await settle();
    a.hub.logout(alice);
    await settle();
    expect(bob.of("hang-up")).toEqual([{ type: "hang-up", name: "alice", from: "alice", target: "bob", reason: "gone" }]);
  });

  it("carry busy status across nodes: in the deltas, and in the snapshot of a later login", async () => {
    const [a, b] = await cluster(2);
    const alice = await logIn(a.hub, "alice");
    const bob = await logIn(b.hub, "bob");
    await settle(100);
    a.hub.setStatus(alice, "busy");
    await settle(100);
    expect(bob.of("user-status")).toEqual([{ type: "user-status", name: "alice", status: "busy" }]);
    expect((await logIn(b.hub, "late")).of("userlist")).toEqual([{ type: "userlist", users: ["alice", "bob", "late"], busy: ["alice"], legacy: [] }]);
    a.hub.setStatus(alice, "available");
    await settle(100);
    expect(statusesSeen(bob).get("alice")).toBe("available");
    expect(bob.of("user-status")).toHaveLength(2);
  });

  it("hold the group call's capacity cluster-wide, even when nodes take places at once", async () => {
    const [a, b] = await cluster(2);
    const [a1, b1, a2, b2] = [await logIn(a.hub, "a1"), await logIn(b.hub, "b1"), await logIn(a.hub, "a2"), await logIn(b.hub, "b2")];
    await settle();
    // No node has heard of the others' joins: the store has the last place, and refuses the fourth.
    const refusals = await Promise.all([a.hub.groupJoin(a1), b.hub.groupJoin(b1), a.hub.groupJoin(a2), b.hub.groupJoin(b2)].map(rejectedBy));
    expect(refusals.map(codeOf)).toEqual([undefined, undefined, undefined, "group-call-full"]);
    await settle();
    for (const peer of [a1, b1, a2, b2]) expect(latestGroupCall(peer)).toEqual(["a1", "b1", "a2"]);
    expect(codeOf(await rejectedBy(b.hub.groupJoin(b2)))).toBe("group-call-full");
    // A place freed on one node is free on the other.
    await a.hub.groupLeave(a1);
    await settle();
    await b.hub.groupJoin(b2);
    await settle();
    for (const peer of [a1, b1, a2, b2]) expect(latestGroupCall(peer)).toEqual(["b1", "a2", "b2"]);
    expect([a.hub.groupCallParticipants, b.hub.groupCallParticipants]).toEqual([3, 3]);
  });

  it("answer a relay to a user who left meanwhile with unknown-target, to its sender", async () => {
    const [a, b] = await cluster(2);
    const alice = await logIn(a.hub, "alice");
    const bob = await logIn(b.hub, "bob");
    await settle();
    b.hub.logout(bob);
    // Node A has not heard yet: it takes the message, and B, finding nobody, says so.
    a.hub.relay(alice, { type: "video-offer", target: "bob", sdp: {}, ref: 7 }, undefined, 7);
    expect(alice.refusals).toEqual([]);
    await settle();
    expect(alice.refusals).toEqual([{ code: "unknown-target", detail: '"bob" is not in this room.', ref: 7 }]);
    expect(bob.of("video-offer")).toEqual([]);
    expect(thrownBy(() => a.hub.relay(alice, { type: "video-answer" }))?.code).toBe("no-call");
  });

  it("remove a crashed node's users from the others once it has missed its heartbeats for the timeout", async () => {
    const timing: NodeTiming = { heartbeatMs: 25, nodeTimeoutMs: 300, resumeGraceMs: 1000 };
    const [a, b] = await cluster(2, { timing, realTimers: true, options: { presenceIntervalMs: 0 } });
    const alice = await logIn(a.hub, "alice");
    const bob = await logIn(b.hub, "bob");
    await a.hub.groupJoin(alice);
    await b.hub.groupJoin(bob);
    a.hub.relay(alice, { type: "video-offer", target: "bob", sdp: {} });
    await until(() => bob.of("video-offer").length === 1 && seen(bob).includes("alice"), 1000);
    // Its last beat is now, whatever the event loop delayed: the timeout runs from here.
    broker.beat(a.bus.nodeId);
    a.bus.crash();
    const crashedAt = Date.now();
    await until(() => !seen(bob).includes("alice"), 5000);
    const elapsed = Date.now() - crashedAt;
    expect(elapsed).toBeGreaterThanOrEqual(timing.nodeTimeoutMs - 2);
    expect(elapsed).toBeLessThan(timing.nodeTimeoutMs + 20 * timing.heartbeatMs);
    expect(bob.of("hang-up")).toEqual([{ type: "hang-up", name: "alice", from: "alice", target: "bob", reason: "gone" }]);
    expect(latestGroupCall(bob)).toEqual(["bob"]);
    // Its users are gone from the store too: their names are free.
    expect((await logIn(b.hub, "alice")).name).toBe("alice");
  });

  it("converge presence after an outage of the store: each node's reset brings in what the others did meanwhile", async () => {
    const [a, b] = await cluster(2);
    const alice = await logIn(a.hub, "alice");
    const carol = await logIn(a.hub, "carol");
    const bob = await logIn(b.hub, "bob");
    const dave = await logIn(b.hub, "dave", undefined, false);
    await settle(100);
    broker.down = true;
    a.hub.logout(alice);
    b.hub.setStatus(bob, "busy");
    b.hub.logout(dave);
    expect(codeOf(await rejectedBy(logIn(b.hub, "eve")))).toBe("unavailable");
    await settle(100);
    // Nothing crossed meanwhile.
    expect(sorted(seen(carol))).toEqual(["bob", "carol", "dave"]);
    expect(sorted(seen(bob))).toEqual(["alice", "bob", "carol"]);
    expect(statusesSeen(carol).get("bob")).toBeUndefined();
    broker.down = false;
    await settle(100);
    expect(sorted(seen(carol))).toEqual(["bob", "carol"]);
    expect(sorted(seen(bob))).toEqual(["bob", "carol"]);
    expect(statusesSeen(carol).get("bob")).toBe("busy");
    // The store agrees: a login on either node starts from the same room.
    expect((await logIn(a.hub, "late")).of("userlist")).toEqual([{ type: "userlist", users: ["carol", "bob", "late"], busy: ["bob"], legacy: [] }]);
    await settle();
    expect((await logIn(b.hub, "later")).of("userlist")).toEqual([{ type: "userlist", users: ["carol", "bob", "late", "later"], busy: ["bob"], legacy: [] }]);
  });
});
