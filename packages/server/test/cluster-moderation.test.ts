// Issue 13: sign-in and moderation across the nodes of a cluster (real node processes, real Redis).
import { CLOSE_CODES } from "@switchboard/protocol";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mintToken } from "../src/auth/mint-token.js";
import { startCluster, type Cluster, type ClusterNode } from "./support/cluster-nodes.js";
import { startRedis, type RunningRedis } from "./support/redis-server.js";
import { TestClient } from "./support/test-client.js";

const SECRET = "a-cluster-secret-of-more-than-32-characters";
let redis: RunningRedis;
let cluster: Cluster;
let n1: ClusterNode;
let n2: ClusterNode;
const clients: TestClient[] = [];

beforeAll(async () => {
  redis = await startRedis();
  cluster = await startCluster({
    nodes: 2,
    redisUrl: redis.url,
    env: { NODE_HEARTBEAT_MS: "250", NODE_TIMEOUT_MS: "1500", PRESENCE_INTERVAL_MS: "20", AUTH: "jwt", JWT_SECRET: SECRET },
  });
  [n1, n2] = cluster.nodes as [ClusterNode, ClusterNode];
}, 30_000);

afterAll(async () => {
  for (const client of clients) client.socket.terminate();
  await cluster?.stop();
  await redis?.stop();
});

/** Signs in on `node` with a token for `name` and tries to log into `room`: the client, and the login's answer. */
async function signIn(node: ClusterNode, name: string, room: string, extra: { role?: "moderator"; password?: string } = {}) {
  const client = await TestClient.connect(`ws://127.0.0.1:${node.port}/ws`);
  clients.push(client);
  await client.next("id");
  const token = await mintToken({ name, secret: SECRET, ...(extra.role && { role: extra.role }) });
  client.send({ type: "hello", protocol: 1, token, room, ...(extra.password && { password: extra.password }) });
  await client.next("welcome");
  client.send({ type: "username", name: "ignored", ref: "login" });
  client.name = name;
  return { client, answer: await client.answer("login") };
}

describe("moderation in a cluster", () => {
  it("works across nodes: roles, mute, lock, remove, end-call and passwords", async () => {
    const ann = (await signIn(n1, "ann", "team", { role: "moderator" })).client;
    const bob = (await signIn(n2, "bob", "team")).client;
    const carol = (await signIn(n2, "carol", "team")).client;
    // The token's role crossed the store: the other node knows who moderates.
    await carol.next("room-state", (m) => (m.moderators as string[]).includes("ann"));
    expect(await bob.request({ type: "moderate", action: "lock" })).toBe("not-moderator");

    expect(await ann.request({ type: "moderate", action: "mute", target: "bob" })).toBe("ack");
    expect(await bob.next("moderated")).toEqual({ type: "moderated", action: "mute", by: "ann", target: "bob" });

    expect(await ann.request({ type: "moderate", action: "lock" })).toBe("ack");
    await carol.next("room-state", (m) => m.locked === true);
    expect((await signIn(n2, "dan", "team")).answer).toBe("room-locked");
    // A moderator's token gets into a locked room; a moderator cannot be removed.
    const mod = (await signIn(n2, "mod", "team", { role: "moderator" })).client;
    expect(await mod.answer("login")).toBe("ack");
    expect(await ann.request({ type: "moderate", action: "remove", target: "mod" })).toBe("not-moderator");

    // Removing a user of the other node: its node ends its session.
    expect(await ann.request({ type: "moderate", action: "remove", target: "bob", reason: "trolling" })).toBe("ack");
    expect(await bob.next("moderated", (m) => m.action === "remove")).toMatchObject({ by: "ann", target: "bob", reason: "trolling" });
    expect((await bob.closed).code).toBe(CLOSE_CODES.removed);
    await carol.next("user-left", (m) => (m.users as string[]).includes("bob"));
    expect(await ann.request({ type: "moderate", action: "unlock" })).toBe("ack");
    await carol.next("room-state", (m) => m.locked === false);
    expect((await signIn(n1, "bob", "team")).answer).toBe("room-locked");
    expect((await signIn(n2, "dan", "team")).answer).toBe("ack");

    // End the group call, whose participants are on both nodes.
    for (const client of [ann, carol]) {
      client.send({ type: "group-join", ref: "join" });
      expect(await client.answer("join")).toBe("ack");
    }
    expect(await ann.request({ type: "moderate", action: "end-call" })).toBe("ack");
    await carol.next("moderated", (m) => m.action === "end-call");
    await carol.next("group-call", (m) => (m.participants as string[]).length === 0);

    // A password set on one node holds on the other; Redis keeps only its hash.
    expect(await ann.request({ type: "moderate", action: "set-password", password: "open sesame" })).toBe("ack");
    await carol.next("room-state", (m) => m.passwordProtected === true);
    expect((await signIn(n2, "eve", "team")).answer).toBe("bad-password");
    expect((await signIn(n2, "eve", "team", { password: "open sesame" })).answer).toBe("ack");
    const store = new Redis(redis.url);
    try {
      const settings = await store.hget("switchboard:room:team", "settings");
      expect(settings).toMatch(/"password":"scrypt\$/);
      expect(settings).not.toContain("open sesame");
    } finally {
      store.disconnect();
    }
  }, 30_000);

  it("hands a signed-in session over to another node with its identity, role and expiry", async () => {
    const { client: ann } = await signIn(n1, "ann2", "handover", { role: "moderator" });
    const bob = (await signIn(n2, "bob2", "handover")).client;
    const welcome = ann.all("welcome")[0]!;
    const again = await TestClient.connect(`ws://127.0.0.1:${n2.port}/ws`);
    clients.push(again);
    await again.next("id");
    const received = ann.received.length - ann.received.indexOf(welcome) - 1;
    const token = await mintToken({ name: "ann2", secret: SECRET, role: "moderator" });
    again.send({ type: "hello", protocol: 1, token, resume: welcome.resumeToken, received });
    expect(await again.next("welcome")).toMatchObject({ resumed: true, identity: { name: "ann2", role: "moderator", expiresAt: (welcome.identity as { expiresAt: number }).expiresAt } });
    again.name = "ann2";
    // Still the room's moderator, now on the other node.
    expect(await again.request({ type: "moderate", action: "mute", target: "bob2" })).toBe("ack");
    expect(await bob.next("moderated")).toMatchObject({ action: "mute", by: "ann2" });
    again.send({ type: "renew-token", token, ref: "renew" });
    expect(await again.answer("renew")).toBe("ack");
  }, 30_000);

  it("keeps a removed name of any length in a form every node and the store read back", async () => {
    // Its look-alike key is far longer than the name: stored as is, it broke the settings' schema.
    const long = "\uFDFA".repeat(32);
    const ann = (await signIn(n1, "ann3", "long", { role: "moderator" })).client;
    await signIn(n2, long, "long");
    expect(await ann.request({ type: "moderate", action: "remove", target: long })).toBe("ack");
    expect(await ann.request({ type: "moderate", action: "lock" })).toBe("ack");
    for (const node of [n1, n2]) expect((await fetch(`${node.url}/readyz`)).status).toBe(200);
    expect((await signIn(n2, long, "long")).answer).toBe("room-locked");
    const store = new Redis(redis.url);
    try {
      const settings = JSON.parse((await store.hget("switchboard:room:long", "settings"))!) as { removed: string[] };
      expect(settings.removed.every((key) => /^[0-9a-f]{40}$/.test(key))).toBe(true);
    } finally {
      store.disconnect();
    }
  }, 30_000);
});
