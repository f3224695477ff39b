// Several nodes sharing state through a real redis-server, each a real process, with a
// round-robin TCP proxy in front: the product across nodes, and what each failure does.
import { CLOSE_CODES } from "@switchboard/protocol";
import { Redis } from "ioredis";
import { afterEach, describe, expect, it } from "vitest";
import { startCluster, type Cluster, type ClusterNode } from "./support/cluster-nodes.js";
import { startRedis, type RunningRedis } from "./support/redis-server.js";
import { TestClient } from "./support/test-client.js";

const TIMING = { NODE_HEARTBEAT_MS: "250", NODE_TIMEOUT_MS: "1500", PRESENCE_INTERVAL_MS: "20", DRAIN_TIMEOUT_MS: "4000" };

let redis: RunningRedis | undefined;
let cluster: Cluster | undefined;
const clients: TestClient[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.socket.terminate();
  await cluster?.stop();
  await redis?.stop();
  cluster = redis = undefined;
});

async function startAll(nodes = 3, env: Record<string, string> = {}): Promise<ClusterNode[]> {
  redis = await startRedis();
  cluster = await startCluster({ nodes, redisUrl: redis.url, env: { ...TIMING, ...env } });
  return cluster.nodes;
}

const wsOf = (node: ClusterNode) => `ws://127.0.0.1:${node.port}/ws`;
const track = (client: TestClient) => (clients.push(client), client);
const modern = async (node: ClusterNode, name: string, room?: string) => track(await TestClient.modern(wsOf(node), name, room));
const legacy = async (node: ClusterNode, name: string) => track(await TestClient.legacy(wsOf(node), name));
const includes = (name: string) => (m: Record<string, unknown>) => (m.users as string[]).includes(name);
const health = async (node: ClusterNode) => (await fetch(`${node.url}/healthz`, { headers: { connection: "close" } })).json();
/** How many resume records the store holds. */
async function resumeRecords(): Promise<number> {
  const client = new Redis(redis!.url, { lazyConnect: true, enableReadyCheck: false });
  try {
    await client.connect();
    return await client.hlen("switchboard:resumables");
  } finally {
    client.disconnect();
  }
}
const countedSinceWelcome = (client: TestClient) => client.received.length - client.received.findIndex((m) => m.type === "welcome") - 1;

/** Reconnects `client` through `wsUrl` with its resume token, like the SDK after a drop. */
async function resume(wsUrl: string, client: TestClient): Promise<TestClient> {
  const again = track(await TestClient.connect(wsUrl));
  await again.next("id");
  again.send({ type: "hello", protocol: 1, resume: client.all("welcome").at(-1)!.resumeToken, received: countedSinceWelcome(client) });
  again.name = client.name;
  return again;
}

describe("a cluster", () => {
  it("is one server across nodes: names, presence, chat, history, routing, rooms, busy, group calls", async () => {
    const [n1, n2, n3] = await startAll(3, { MAX_MESH_PARTICIPANTS: "2" });
    const alice = await modern(n1!, "alice");
    const bob = await modern(n2!, "bob");
    const carol = await legacy(n3!, "carol");
    // Presence: a snapshot with everyone, then deltas (modern) or whole lists (the article's).
    expect(bob.all("userlist")[0]!.users).toEqual(["alice", "bob"]);
    await alice.next("user-joined", includes("carol"));
    await expect.poll(() => carol.all("userlist").some((m) => (m.users as string[]).length === 3)).toBe(true);
    // Unique names cluster-wide, by look-alike keys, renamed by the article's rule.
    const lookAlike = track(await TestClient.modern(wsOf(n3!), "ALICE"));
    expect(lookAlike.name).not.toBe("ALICE");
    expect(lookAlike.all("rejectusername")).toHaveLength(1);
    // Public chat: one sequence and one history, the article's client escaped.
    alice.send({ type: "message", text: "<b>hi</b>" });
    const seen = await bob.next("message", (m) => m.text === "<b>hi</b>");
    bob.send({ type: "message", text: "second" });
    expect(await alice.next("message", (m) => m.text === "second")).toMatchObject({ seq: (seen.seq as number) + 1 });
    expect(await carol.next("message", (m) => m.name === "alice")).toMatchObject({ text: "&lt;b&gt;hi&lt;/b&gt;" });
    const later = await modern(n1!, "dave");
    const history = (await later.next("history")).messages as { text: string; seq: number }[];
    expect(history.map((m) => m.text)).toEqual(["<b>hi</b>", "second"]);
    expect(history[1]!.seq).toBe((seen.seq as number) + 1);
    // Targeted routing, sender stamped, unknown types passed through, also to the article's client.
    alice.send({ type: "video-offer", target: "bob", name: "mallory", sdp: { type: "offer", sdp: "v=0" } });
    expect(await bob.next("video-offer")).toMatchObject({ name: "alice", from: "alice", target: "bob" });
    // A ref the protocol refuses is no ref: the message goes on, and so do the ones behind it.
    alice.send({ type: "note", target: "bob", ref: "r".repeat(65), n: 1 });
    alice.send({ type: "note", target: "bob", n: 2 });
    expect((await bob.next("note", (m) => m.n === 1)).ref).toBe("r".repeat(65));
    await bob.next("note", (m) => m.n === 2);
    alice.send({ type: "whiteboard-stroke", target: "carol", points: [1, 2] });
    expect(await carol.next("whiteboard-stroke")).toMatchObject({ name: "alice", points: [1, 2] });
    // An untargeted call message reaches the call partner on its node only.
    alice.send({ type: "hang-up" });
    expect(await bob.next("hang-up")).toMatchObject({ name: "alice" });
    await carol.expectNone("hang-up");
    // Busy status crosses nodes.
    bob.send({ type: "set-status", status: "busy" });
    expect(await alice.next("user-status")).toEqual({ type: "user-status", name: "bob", status: "busy" });
    // A group call holds its cap cluster-wide.
    alice.send({ type: "group-join" });
    bob.send({ type: "group-join" });
    await later.next("group-call", (m) => (m.participants as string[]).length === 2);
    later.send({ type: "group-join", ref: 1 });
    expect(await later.next("error")).toMatchObject({ code: "group-call-full", ref: 1 });
    // Rooms: one room for look-alike spellings, names unique per room, presence per room.
    const red1 = await modern(n1!, "alice", "Red");
    const red2 = await modern(n2!, "erin", "RED");
    expect(red2.all("welcome")[0]!.room).toBe("Red");
    await red1.next("user-joined", includes("erin"));
    await alice.expectNone("user-joined", includes("erin"));
    // Switching rooms on one node shows on the others: gone from the old room, in the new one.
    const blue = await modern(n3!, "frank", "Blue");
    red1.send({ type: "join-room", room: "BLUE", ref: "j1" });
    expect(await red1.next("ack", (m) => m.ref === "j1")).toMatchObject({ name: "alice", room: "Blue" });
    await red2.next("user-left", includes("alice"));
    await blue.next("user-joined", includes("alice"));
    // A user who leaves: gone from presence everywhere, its call partners hung up on.
    alice.send({ type: "video-offer", target: "bob", sdp: { type: "offer", sdp: "v=0" } });
    await bob.next("video-offer", (m) => m.from === "alice");
    alice.socket.close();
    expect(await bob.next("hang-up", (m) => m.reason === "gone")).toMatchObject({ name: "alice" });
    await bob.next("user-left", includes("alice"));
    await later.next("group-call", (m) => !(m.participants as string[]).includes("alice"));
  });

  it("survives a node killed with SIGKILL: its users leave within 10 s, their partners are hung up on, their names free", async () => {
    // The default heartbeat and timeout: the 10 s are the product's, not a test setting's.
    const [n1, n2, n3] = await startAll(3, { NODE_HEARTBEAT_MS: "1000", NODE_TIMEOUT_MS: "5000" });
    const alice = await legacy(n1!, "alice");
    const bob = await modern(n2!, "bob");
    // Until n1 has heard of bob's login, bob is unknown there.
    await alice.next("userlist", includes("bob"));
    alice.send({ type: "video-offer", target: "bob", sdp: { type: "offer", sdp: "v=0" } });
    await bob.next("video-offer");
    await n1!.kill();
    const killedAt = Date.now();
    // Sent to a user whose node is gone: never lost silently.
    bob.send({ type: "note", target: "alice", ref: "n1" });
    expect(await bob.next("error", (m) => m.ref === "n1")).toMatchObject({ code: "unknown-target" });
    expect(await bob.next("hang-up", (m) => m.reason === "gone", 10_000)).toMatchObject({ name: "alice" });
    await bob.next("user-left", includes("alice"), 10_000);
    expect(Date.now() - killedAt).toBeLessThan(10_000);
    const again = await legacy(n3!, "alice");
    expect(again.name).toBe("alice");
    expect((await health(n2!)).cluster).toMatchObject({ store: "reachable" });
  });

  it("lets the users of a killed node come back through another with their resume token: same name, nobody saw them go", async () => {
    const [n1, n2] = await startAll(2);
    const alice = await modern(n1!, "alice");
    const bob = await modern(n2!, "bob");
    await alice.next("user-joined", includes("bob"));
    await n1!.kill();
    const again = await resume(cluster!.proxy.wsUrl + "/ws", alice);
    expect(await again.next("welcome")).toMatchObject({ resumed: false });
    again.send({ type: "username", name: "alice" });
    expect((await again.next("userlist")).users).toEqual(["alice", "bob"]);
    await bob.expectNone("user-left");
    bob.send({ type: "note", target: "alice" });
    expect(await again.next("note")).toMatchObject({ name: "bob" });
  });

  it("keeps serving through a Redis restart, reports it, and converges once Redis is back", async () => {
    const [n1, n2] = await startAll(2);
    const alice = await modern(n1!, "alice");
    const amy = await modern(n1!, "amy");
    const bob = await modern(n2!, "bob");
    await alice.next("user-joined", includes("bob"));
    await redis!.kill();
    await expect.poll(async () => (await health(n1!)).status, { timeout: 10_000 }).toBe("degraded");
    // The users a node holds go on talking to each other.
    alice.send({ type: "note", target: "amy" });
    expect(await amy.next("note")).toMatchObject({ name: "alice" });
    const refused = track(await TestClient.connect(wsOf(n2!)));
    refused.send({ type: "username", name: "zed" });
    expect(await refused.next("error")).toMatchObject({ code: "unavailable" });
    await redis!.restart();
    for (const node of [n1!, n2!]) await expect.poll(async () => (await health(node)).status, { timeout: 15_000 }).toBe("ok");
    const metrics = await (await fetch(`${n1!.url}/metrics`, { headers: { connection: "close" } })).text();
    expect(metrics).toMatch(/switchboard_cluster_store_outages_total 1/);
    // Everyone restored: a newcomer sees all, and names are taken.
    const newcomer = await modern(n2!, "newcomer");
    expect((newcomer.all("userlist")[0]!.users as string[]).sort()).toEqual(["alice", "amy", "bob", "newcomer"]);
    const twin = track(await TestClient.modern(wsOf(n2!), "alice"));
    expect(twin.name).not.toBe("alice");
    alice.send({ type: "note", target: "bob" });
    expect(await bob.next("note")).toMatchObject({ name: "alice" });
    await bob.expectNone("user-left");
    // The store lost where every session is: the nodes told it again, so they resume anywhere.
    await expect.poll(resumeRecords, { timeout: 5000 }).toBe(5);
  });

  it("forgets a session's resume record when its user leaves", async () => {
    const [n1, n2] = await startAll(2);
    const alice = await modern(n1!, "alice");
    const bob = await modern(n2!, "bob");
    await expect.poll(resumeRecords, { timeout: 5000 }).toBe(2);
    await alice.close();
    await bob.close();
    await expect.poll(resumeRecords, { timeout: 5000 }).toBe(0);
  });

  it("drains a node on SIGTERM: its users resume on the others, nobody sees them leave", async () => {
    const [n1, n2] = await startAll(2);
    const alice = await modern(n1!, "alice");
    const bob = await modern(n2!, "bob");
    await alice.next("user-joined", includes("bob"));
    bob.send({ type: "note", target: "alice", n: 1 });
    await alice.next("note");
    const exited = n1!.term();
    expect((await alice.closed).code).toBe(CLOSE_CODES.serviceRestart);
    // Sent while it moves: delivered, never lost.
    bob.send({ type: "note", target: "alice", n: 2 });
    const again = await resume(wsOf(n2!), alice);
    expect(await again.next("welcome")).toMatchObject({ resumed: true });
    expect(await again.next("note", (m) => m.n === 2)).toMatchObject({ name: "bob" });
    expect(await exited).toBe(0);
    await bob.expectNone("user-left");
    again.send({ type: "note", target: "bob", n: 3 });
    expect(await bob.next("note", (m) => m.n === 3)).toMatchObject({ name: "alice" });
  });
});
