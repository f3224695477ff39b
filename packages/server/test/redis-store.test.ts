import { usernameKeys, type DeliveredChatMessage } from "@switchboard/protocol";
import { Redis } from "ioredis";
import { beforeAll, describe, expect, it, vi } from "vitest";
import type { ClaimRequest, ClusterEvent, LocalState } from "../src/bus/bus.js";
import { MemoryStore } from "../src/bus/memory-store.js";
import { RedisStore } from "../src/bus/redis-store.js";
import { removedKey } from "../src/bus/removed-key.js";
import { decodeEvent, type VersionedEvent } from "../src/bus/wire-envelope.js";
import { redisPerFile, type RunningRedis } from "./support/redis-server.js";

/* The store's Lua scripts (redis-scripts.ts, through redis-store.ts) against MemoryStore. */

const shared = redisPerFile();
const { freshPrefix, client } = shared;
let redis: RunningRedis;
beforeAll(() => {
  redis = shared.redis;
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
      ...(random() < 0.3 && { moderator: true }),
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
      const operation = pick(["claim", "claim", "replace", "release", "busy", "join", "leave", "chat", "resumable", "restore", "reap", "settings"] as const);
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
          const removed = random() < 0.3 ? true : undefined;
          if (operation === "release") await compare(memory.release(node, someone.room, someone.name, session, removed), store.release(someone.room, someone.name, session, removed));
          else await compare(memory.setBusy(node, someone.room, someone.name, session, busy), store.setBusy(someone.room, someone.name, session, busy));
          break;
        }
        case "join":
        case "leave": {
          const [room, name] = someone && random() < 0.9 ? [someone.room, someone.name] : [pick(rooms), pick(names)];
          // Meshes of 2, or with a media server (up or down) for every call or for those past 2.
          const sfu = random() < 0.3 ? undefined : { calls: pick(["all", "large"] as const), capacity: 3, available: random() < 0.7 };
          const policy = { meshCapacity: 2, ...(sfu && { sfu }) };
          if (operation === "join") await compare(memory.groupJoin(node, room, name, policy), store.groupJoin(room, name, policy));
          else await compare(memory.groupLeave(node, room, name), store.groupLeave(room, name));
          break;
        }
        case "settings": {
          const room = someone && random() < 0.9 ? someone.room : pick(rooms);
          const change = {
            ...(random() < 0.5 && { locked: random() < 0.5 }),
            ...(random() < 0.3 ? { password: `scrypt$${step}$x` } : random() < 0.3 ? { clearPassword: true as const } : {}),
            ...(random() < 0.5 && { removed: usernameKeys(pick(names)).map(removedKey) }),
          };
          await compare(memory.changeSettings(node, room, change), store.changeSettings(room, change));
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
            groupCalls: held.map((member) => ({ room: member.room, participants: held.filter(() => random() < 0.6).map((other) => other.name), media: pick(["mesh", "sfu"] as const) })),
            histories: [{ room: pick(rooms), messages: [{ type: "message", name: "ann", text: "kept", date: 1, seq: 20 + step } satisfies DeliveredChatMessage] }],
            settings: [{ room: pick(rooms), settings: { version: step, locked: random() < 0.5, password: "scrypt$a$b" } }],
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
