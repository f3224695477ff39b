import { usernameKeys, type DeliveredChatMessage } from "@switchboard/protocol";
import { Redis } from "ioredis";
import { pino } from "pino";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { BusUnavailableError, type Bus, type ClaimRequest, type ClusterEvent, type Delivery, type LocalState } from "../src/bus/bus.js";
import { MemoryStore } from "../src/bus/memory-store.js";
import { RedisBus } from "../src/bus/redis-bus.js";
import { RedisStore } from "../src/bus/redis-store.js";
import { decodeEvent, type VersionedEvent } from "../src/bus/wire-envelope.js";
import { busContract, CONTRACT_TIMING, RecordingListener, request } from "./support/bus-contract.js";
import { startRedis, type RunningRedis } from "./support/redis-server.js";

let redis: RunningRedis;
let clusters = 0;
/** Keys and channels of their own for each test's cluster: tests never see each other's state. */
const freshPrefix = () => `test${++clusters}:`;

beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});

/** A plain connection for what the tests ask Redis themselves. */
function client(): Redis {
  const connection = new Redis(redis.url, { maxRetriesPerRequest: 0 });
  connection.on("error", () => {});
  return connection;
}

busContract("Redis", async (timing) => {
  const prefix = freshPrefix();
  return {
    node: (id: string): Bus => new RedisBus({ url: redis.url, nodeId: id, timing, prefix }),
    crash: async (bus) => {
      await (bus as RedisBus).crashForTests();
      // A dead process's sockets close: wait until Redis has seen it.
      const probe = client();
      await vi.waitFor(async () => expect(await probe.pubsub("NUMSUB", `${prefix}node:${bus.nodeId}`)).toEqual([`${prefix}node:${bus.nodeId}`, 0]));
      probe.disconnect();
    },
    outage: async () => {
      // Killed, without persistence: it comes back empty, and the nodes restore what they hold.
      await redis.kill();
      return () => redis.restart();
    },
    close: async () => {},
  };
});

describe("Redis bus", () => {
  const buses: RedisBus[] = [];
  const startBus = async (nodeId: string, prefix: string, options: { logger?: pino.Logger } = {}) => {
    const bus = new RedisBus({ url: redis.url, nodeId, timing: CONTRACT_TIMING, prefix, ...options });
    const listener = new RecordingListener();
    await bus.start(listener);
    buses.push(bus);
    return { bus, listener };
  };
  afterEach(async () => {
    for (const bus of buses.splice(0)) await bus.close();
  });

  const delivery = (extra: Partial<Delivery> = {}): Delivery => ({
    room: "Lobby",
    to: "bob",
    toSession: "s-bob",
    from: "alice",
    fromSession: "s-alice",
    fromNode: "a",
    type: "video-offer",
    frame: new TextEncoder().encode('{"type":"video-offer"}'),
    hops: 0,
    ...extra,
  });

  it("relays each message with one PUBLISH and nothing more", async () => {
    const prefix = freshPrefix();
    const a = await startBus("a", prefix);
    const b = await startBus("b", prefix);
    const count = 2000;
    const total = (stats: Record<string, number>) => Object.values(stats).reduce((sum, calls) => sum + calls, 0);
    const before = await redis.commandStats();
    for (let i = 0; i < count; i++) a.bus.relay("b", delivery({ ref: i }));
    await vi.waitFor(() => expect(b.listener.relays).toHaveLength(count));
    const after = await redis.commandStats();
    expect(b.listener.relays.map((relayed) => relayed.ref)).toEqual(Array.from({ length: count }, (_, i) => i));
    expect(after.publish! - (before.publish ?? 0)).toBe(count);
    // Besides: the heartbeats and the harness's INFO, whatever the count of messages.
    expect(total(after) - total(before) - count).toBeLessThan(count / 4);
  });

  it("ignores, and logs, what is not a message of the cluster", async () => {
    const prefix = freshPrefix();
    const lines: string[] = [];
    const logger = pino({ level: "warn" }, { write: (line: string) => lines.push(line) });
    const a = await startBus("a", prefix);
    const b = await startBus("b", prefix, { logger });
    const raw = client();
    await raw.publish(`${prefix}events`, "no header");
    await raw.publish(`${prefix}events`, '{"v":1,"o":"x","e":{"kind":"joined"}}\n');
    await raw.publish(`${prefix}node:b`, Buffer.from([0xff, 0x0a, 0x01]));
    await raw.publish(`${prefix}node:b`, '{"kind":"relay","room":"Lobby"}\n');
    await raw.publish(`${prefix}node:b`, '{"kind":"handover","id":1,"state":{},"frames":[5]}\nab');
    raw.disconnect();
    await a.bus.claim(request("alice", "s1"));
    a.bus.relay("b", delivery());
    await vi.waitFor(() => expect([b.listener.kinds(), b.listener.relays.length]).toEqual([["joined"], 1]));
    expect(lines.filter((line) => line.includes("malformed"))).toHaveLength(5);
    expect(b.bus.up).toBe(true);
  });

  it("counts a Redis that stops answering as an outage, and syncs again once it answers", async () => {
    const prefix = freshPrefix();
    const a = await startBus("a", prefix);
    const b = await startBus("b", prefix);
    const alice = await a.bus.claim(request("alice", "s1"));
    a.listener.state = { members: [{ ...(alice.ok ? alice.member : (undefined as never)), roomKeys: ["lobby-key-1", "lobby-key-2"], nameKeys: usernameKeys("alice") }], groupCalls: [], histories: [] };
    redis.pause();
    try {
      await vi.waitFor(() => expect([a.bus.up, b.bus.up]).toEqual([false, false]), { timeout: 8000 });
      await expect(a.bus.claim(request("carol", "s3"))).rejects.toBeInstanceOf(BusUnavailableError);
    } finally {
      redis.resume();
    }
    await vi.waitFor(() => expect([a.bus.up, b.bus.up]).toEqual([true, true]), { timeout: 8000 });
    expect([a.bus.outages, b.bus.outages]).toEqual([1, 1]);
    expect([a.listener.healths, b.listener.healths]).toEqual([[false, true], [false, true]]);
    expect(await b.bus.claim(request("alice", "s2"))).toMatchObject({ ok: false });
    expect(b.listener.namesIn("Lobby")).toEqual(["alice"]);
  }, 20_000);

  it("gets through an outage that loses nothing: users kept, nobody reaped", async () => {
    const persistent = await startRedis({ persist: true });
    const nodes: RedisBus[] = [];
    try {
      const prefix = freshPrefix();
      const start = async (nodeId: string) => {
        const bus = new RedisBus({ url: persistent.url, nodeId, timing: CONTRACT_TIMING, prefix });
        const listener = new RecordingListener();
        await bus.start(listener);
        nodes.push(bus);
        return { bus, listener };
      };
      const a = await start("a");
      const b = await start("b");
      const alice = await a.bus.claim(request("alice", "s1"));
      a.listener.state = { members: [{ ...(alice.ok ? alice.member : (undefined as never)), roomKeys: ["lobby-key-1", "lobby-key-2"], nameKeys: usernameKeys("alice") }], groupCalls: [], histories: [] };
      await vi.waitFor(() => expect(b.listener.kinds()).toEqual(["joined"]));
      // Down for longer than a node's timeout: every heartbeat key has lapsed when it is back.
      await persistent.kill();
      await new Promise((resolve) => setTimeout(resolve, 2 * CONTRACT_TIMING.nodeTimeoutMs));
      await persistent.restart();
      await vi.waitFor(() => expect([a.bus.up, b.bus.up, a.bus.outages, b.bus.outages]).toEqual([true, true, 1, 1]), { timeout: 8000 });
      // Both beat again before either reaps the other, whose heartbeat key lapsed meanwhile.
      await new Promise((resolve) => setTimeout(resolve, 2 * CONTRACT_TIMING.nodeTimeoutMs));
      expect(b.listener.namesIn("Lobby")).toEqual(["alice"]);
      expect(b.listener.kinds()).toEqual(["joined"]);
      expect(await b.bus.claim(request("alice", "s2"))).toMatchObject({ ok: false });
    } finally {
      for (const bus of nodes) await bus.close();
      await persistent.stop();
    }
  }, 20_000);

  it("does not start without Redis", async () => {
    const stopped = await startRedis();
    await stopped.stop();
    const bus = new RedisBus({ url: stopped.url, nodeId: "a", timing: CONTRACT_TIMING });
    await expect(bus.start(new RecordingListener())).rejects.toBeInstanceOf(BusUnavailableError);
    expect(bus.up).toBe(false);
  });

  it("releases, when a node starts again under its id, what its earlier run left", async () => {
    const prefix = freshPrefix();
    const first = new RedisBus({ url: redis.url, nodeId: "a", timing: CONTRACT_TIMING, prefix });
    await first.start(new RecordingListener());
    const b = await startBus("b", prefix);
    await first.claim(request("alice", "s1"));
    await first.crashForTests();
    const again = await startBus("a", prefix);
    expect(again.listener.resets[0]!.snapshot.rooms).toEqual([]);
    await vi.waitFor(() => expect(b.listener.kinds()).toEqual(["joined", "left"]));
  });
});

describe("Redis scripts", () => {
  /** A deterministic random number generator (mulberry32). */
  const seeded = (seed: number) => () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  /** JSON with sorted keys: events compared whatever their fields' order. */
  const canonical = (value: unknown): string =>
    JSON.stringify(value, (_key, field: unknown) =>
      field && typeof field === "object" && !Array.isArray(field) ? Object.fromEntries(Object.entries(field).sort(([a], [b]) => a.localeCompare(b))) : field,
    );
  const byRoom = <T extends { room: string }>(rooms: T[]) => [...rooms].sort((x, y) => x.room.localeCompare(y.room));

  it.each([7, 11, 2024])("keep MemoryStore's rules, operation by operation, events included (seed %i)", async (seed) => {
    const prefix = freshPrefix();
    const connection = client();
    const subscriber = client();
    const received: VersionedEvent[] = [];
    subscriber.on("messageBuffer", (_channel: Buffer, message: Buffer) => received.push(decodeEvent(message)!));
    await subscriber.subscribe(`${prefix}events`);
    const memoryEvents: { origin: string; event: ClusterEvent }[][] = [];
    const memory = new MemoryStore((origin, event) => memoryEvents.at(-1)!.push({ origin, event }));
    const nodes = ["n1", "n2", "n3"];
    const stores = new Map(nodes.map((node) => [node, new RedisStore(connection, prefix, node)]));
    const rooms = ["Lobby", "LOBBY", "Standup"];
    const names = ["ann", "ANN", "bob", "carl", "dora"];
    const tokens = ["t1", "t2", "t3"];
    const random = seeded(seed);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
    const claimOf = (room: string, name: string, session: string, extra: Partial<ClaimRequest> = {}): ClaimRequest => ({
      room: { name: room, keys: usernameKeys(room) },
      name,
      nameKeys: usernameKeys(name),
      session,
      modern: random() < 0.5,
      ...extra,
    });
    const versions: number[] = [];
    let sessions = 0;
    for (let step = 0; step < 400; step++) {
      memoryEvents.push([]);
      const node = pick(nodes);
      const store = stores.get(node)!;
      const members = memory.snapshot().rooms.flatMap((room) => room.members);
      const someone = members.length > 0 ? pick(members) : undefined;
      const operation = pick(["claim", "claim", "replace", "release", "busy", "join", "leave", "chat", "resumable", "restore", "reap"] as const);
      const compare = async <T>(inMemory: T, inRedis: Promise<T>) => expect({ step, operation, result: await inRedis }).toEqual({ step, operation, result: inMemory });
      switch (operation) {
        case "claim": {
          const claim = claimOf(pick(rooms), pick(names), `s${++sessions}`);
          await compare(memory.claim(node, claim), store.claim(claim));
          break;
        }
        case "replace": {
          if (!someone) break;
          // A new session, or the same one handed over to another node.
          const session = random() < 0.3 ? someone.session : `s${++sessions}`;
          const claim = claimOf(random() < 0.7 ? someone.room : pick(rooms), random() < 0.6 ? someone.name : pick(names), session, { replaces: someone.session });
          await compare(memory.claim(node, claim), store.claim(claim));
          break;
        }
        case "release":
        case "busy": {
          if (!someone) break;
          const session = random() < 0.8 ? someone.session : "nobody";
          const busy = random() < 0.5;
          if (operation === "release") await compare(memory.release(node, someone.room, someone.name, session), store.release(someone.room, someone.name, session));
          else await compare(memory.setBusy(node, someone.room, someone.name, session, busy), store.setBusy(someone.room, someone.name, session, busy));
          break;
        }
        case "join":
        case "leave": {
          const [room, name] = someone && random() < 0.9 ? [someone.room, someone.name] : [pick(rooms), pick(names)];
          if (operation === "join") await compare(memory.groupJoin(node, room, name, 2), store.groupJoin(room, name, 2));
          else await compare(memory.groupLeave(node, room, name), store.groupLeave(room, name));
          break;
        }
        case "chat": {
          const room = someone && random() < 0.9 ? someone.room : pick(rooms);
          const message = { type: "message" as const, name: pick(names), text: `step ${step} ✓`, date: random() < 0.5 ? step : `${step}` };
          await compare(memory.postChat(node, room, message, 3), store.postChat(room, message, 3));
          break;
        }
        case "resumable": {
          const token = pick(tokens);
          if (someone && random() < 0.4) {
            const record = { room: someone.room, name: someone.name, session: someone.session };
            memory.rememberResumable(token, record);
            await store.rememberResumable(token, record);
          } else if (random() < 0.3) {
            const grace = random() < 0.5 ? undefined : 60_000;
            memory.forgetResumable(token, grace, Date.now());
            await store.forgetResumable(token, grace);
          }
          await compare(memory.findResumable(token, Date.now(), () => false), store.findResumable(token));
          break;
        }
        case "restore": {
          // What the node holds: some of what the store has of it, maybe busy, and maybe a user it lost.
          const held = members.filter((member) => member.node === node && random() < 0.7);
          if (random() < 0.5) held.push({ room: pick(rooms), name: pick(names), session: `s${++sessions}`, node, modern: true, busy: random() < 0.5 });
          const state: LocalState = {
            members: held.map((member) => ({ ...member, busy: member.busy || random() < 0.3, roomKeys: usernameKeys(member.room), nameKeys: usernameKeys(member.name) })),
            groupCalls: held.map((member) => ({ room: member.room, participants: held.filter(() => random() < 0.6).map((other) => other.name) })),
            histories: [{ room: pick(rooms), messages: [{ type: "message", name: "ann", text: "kept", date: 1, seq: 20 + step } satisfies DeliveredChatMessage] }],
          };
          const lost = async (found: Promise<{ session: string }[]> | { session: string }[]) => (await found).map((member) => member.session);
          await compare(await lost(memory.restore(node, state)), lost(store.restore(state)));
          break;
        }
        case "reap":
          memory.reap(node, 60_000, Date.now());
          await store.reap(node, 60_000);
          break;
      }
      const { version, snapshot } = await stores.get("n1")!.snapshot();
      expect({ step, rooms: byRoom(snapshot.rooms) }).toEqual({ step, rooms: byRoom(memory.snapshot().rooms) });
      versions.push(version);
    }
    await vi.waitFor(() => expect(received.at(-1)?.version).toBe(versions.at(-1)));
    // The same events at each step (in an order of their own where a step releases several users).
    let seen = 0;
    versions.forEach((version, step) => {
      const inRedis = received.slice(seen, version).map(({ origin, event }) => canonical({ origin, event }));
      seen = version;
      expect({ step, events: inRedis.sort() }).toEqual({ step, events: memoryEvents[step]!.map(canonical).sort() });
    });
    expect(received.map((event) => event.version)).toEqual(Array.from({ length: received.length }, (_, i) => i + 1));
    connection.disconnect();
    subscriber.disconnect();
  });
});
