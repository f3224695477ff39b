import { usernameKeys } from "@switchboard/protocol";
import { Redis } from "ioredis";
import { pino } from "pino";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { BusUnavailableError, type Bus, type ClusterEvent, type Delivery } from "../src/bus/bus.js";
import { BATCH_CAP_BYTES } from "../src/bus/node-outbox.js";
import { RedisBus } from "../src/bus/redis-bus.js";
import { decodeNodeMessages, type NodeMessage } from "../src/bus/wire-envelope.js";
import { busContract, CONTRACT_TIMING, RecordingListener, request } from "./support/bus-contract.js";
import { redisPerFile, startRedis, type RunningRedis } from "./support/redis-server.js";

const shared = redisPerFile();
const { freshPrefix, client } = shared;
let redis: RunningRedis;
beforeAll(() => {
  redis = shared.redis;
});

/** The node's process died: no goodbye. Resolves once Redis has seen its sockets close. */
async function crash(bus: RedisBus, prefix: string): Promise<void> {
  await bus.crashForTests();
  const probe = client();
  const channel = `${prefix}node:${bus.nodeId}`;
  await vi.waitFor(async () => expect(await probe.pubsub("NUMSUB", channel)).toEqual([channel, 0]));
  probe.disconnect();
}

/** PUBLISH calls so far, Lua's included. */
const publishes = async () => (await redis.commandStats()).publish ?? 0;

busContract("Redis", async (timing) => {
  const prefix = freshPrefix();
  return {
    node: (id: string): Bus => new RedisBus({ url: redis.url, nodeId: id, timing, prefix }),
    crash: (bus) => crash(bus as RedisBus, prefix),
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
  const startBus = async <L extends RecordingListener = RecordingListener>(nodeId: string, prefix: string, options: { logger?: pino.Logger; listener?: L } = {}) => {
    const { listener = new RecordingListener() as L, ...rest } = options;
    const bus = new RedisBus({ url: redis.url, nodeId, timing: CONTRACT_TIMING, prefix, ...rest });
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

  /** Frames of many lengths (none included), every byte value among them, newlines too. */
  const frameOf = (i: number) => Uint8Array.from({ length: (i * 37) % 700 }, (_, j) => (i * 31 + j * 7) % 256);
  /** What a test compares: the frame as its bytes (a received one is a copy). */
  const plain = (relayed: Delivery) => ({ ...relayed, frame: [...relayed.frame] });

  it("relays what one turn sends a node as one PUBLISH, in order, byte for byte", async () => {
    const prefix = freshPrefix();
    const a = await startBus("a", prefix);
    const b = await startBus("b", prefix);
    const sent = Array.from({ length: 400 }, (_, i) => delivery({ to: `user ${i} ✓`, toSession: `s${i}`, ref: i % 3 === 0 ? `r${i}` : i, hops: i % 2, frame: frameOf(i) }));
    sent.push(delivery({ ref: undefined, type: "", frame: new Uint8Array([0x0a]) }));
    const total = (stats: Record<string, number>) => Object.values(stats).reduce((sum, calls) => sum + calls, 0);
    const before = await redis.commandStats();
    for (const relayed of sent) a.bus.relay("b", relayed);
    await vi.waitFor(() => expect(b.listener.relays).toHaveLength(sent.length));
    const after = await redis.commandStats();
    expect(after.publish! - (before.publish ?? 0)).toBe(1);
    // Besides: the heartbeats and the harness's INFO.
    expect(total(after) - total(before)).toBeLessThan(40);
    expect(b.listener.relays.map(plain)).toEqual(sent.map(plain));
  });

  it("never publishes more than once per relay: a turn's batch splits only past its cap", async () => {
    const prefix = freshPrefix();
    const a = await startBus("a", prefix);
    const b = await startBus("b", prefix);
    const sent: Delivery[] = [];
    // One relay per turn: one PUBLISH each.
    let before = await publishes();
    for (let i = 0; i < 20; i++) {
      sent.push(delivery({ ref: i, frame: frameOf(i) }));
      a.bus.relay("b", sent.at(-1)!);
      await new Promise(setImmediate);
    }
    await vi.waitFor(() => expect(b.listener.relays).toHaveLength(sent.length));
    expect((await publishes()) - before).toBe(20);
    // 20 relays of 64 KiB in one turn: a PUBLISH once a batch holds 256 KiB (4 of them and their headers), 5 in all.
    before = await publishes();
    for (let i = 20; i < 40; i++) {
      sent.push(delivery({ ref: i, frame: new Uint8Array(64 * 1024).fill(i) }));
      a.bus.relay("b", sent.at(-1)!);
    }
    await vi.waitFor(() => expect(b.listener.relays).toHaveLength(sent.length));
    expect(BATCH_CAP_BYTES).toBe(256 * 1024);
    expect((await publishes()) - before).toBe(5);
    expect(b.listener.relays.map(plain)).toEqual(sent.map(plain));
  });

  it("gives back each relay of a batch, in order, when its node is gone", async () => {
    const prefix = freshPrefix();
    const a = await startBus("a", prefix);
    const b = await startBus("b", prefix);
    await crash(b.bus, prefix);
    const sent = Array.from({ length: 300 }, (_, i) => delivery({ ref: i, frame: frameOf(i) }));
    const before = await publishes();
    for (const relayed of sent) a.bus.relay("b", relayed);
    await vi.waitFor(() => expect(a.listener.undeliveredRelays).toHaveLength(sent.length));
    expect((await publishes()) - before).toBe(1);
    // The very deliveries relayed, frames untouched.
    expect(a.listener.undeliveredRelays.every((returned, i) => returned === sent[i])).toBe(true);
    expect(a.listener.undeliveredRelays.map(plain)).toEqual(sent.map(plain));
  });

  it("keeps a handover in order with the relays to its node, in one PUBLISH", async () => {
    const prefix = freshPrefix();
    /** Relays to "b" as the hub does around a handover: some before it, and the forwarded ones after. */
    class HandingOver extends RecordingListener {
      bus: RedisBus | undefined;
      override handOver(token: string, to: string) {
        for (let i = 0; i < 3; i++) this.bus!.relay(to, delivery({ ref: `before ${i}` }));
        queueMicrotask(() => {
          for (let i = 0; i < 5; i++) this.bus!.relay(to, delivery({ ref: `after ${i}`, hops: 1 }));
        });
        return super.handOver(token, to);
      }
    }
    const a = await startBus("a", prefix, { listener: new HandingOver() });
    a.listener.bus = a.bus;
    const b = await startBus("b", prefix);
    a.listener.sessions.set("token-1", { state: { name: "alice" }, frames: [new Uint8Array([1, 2]), frameOf(5)] });
    // What reaches b's channel, message by message.
    const onB: string[][] = [];
    const watcher = client();
    watcher.on("messageBuffer", (_channel: Buffer, message: Buffer) => {
      const kinds: string[] = [];
      decodeNodeMessages(message, (decoded: NodeMessage) => kinds.push(decoded.kind === "relay" ? `relay ${decoded.delivery.ref}` : decoded.kind));
      onB.push(kinds);
    });
    await watcher.subscribe(`${prefix}node:b`);
    try {
      const handover = await b.bus.takeSession("a", "token-1");
      expect(handover).toEqual({ state: { name: "alice" }, frames: [new Uint8Array([1, 2]), frameOf(5)] });
      const expected = ["relay before 0", "relay before 1", "relay before 2", "handover", ...Array.from({ length: 5 }, (_, i) => `relay after ${i}`)];
      await vi.waitFor(() => expect(b.listener.relays).toHaveLength(8));
      expect(b.listener.relays.map((relayed) => `relay ${relayed.ref}`)).toEqual(expected.filter((kind) => kind !== "handover"));
      await vi.waitFor(() => expect(onB).toEqual([expected]));
    } finally {
      watcher.disconnect();
    }
  });

  it("keeps relays in order with the broadcasts and state changes sent between them", async () => {
    const prefix = freshPrefix();
    /** Relays and events as b's listener hears them, in one sequence. */
    class InOrder extends RecordingListener {
      readonly heard: string[] = [];
      override relay(relayed: Delivery) {
        super.relay(relayed);
        this.heard.push(`relay ${relayed.ref}`);
      }
      override event(event: ClusterEvent) {
        super.event(event);
        this.heard.push(event.kind);
      }
    }
    const a = await startBus("a", prefix);
    const b = await startBus("b", prefix, { listener: new InOrder() });
    await a.bus.claim(request("alice", "s1"));
    await vi.waitFor(() => expect(b.listener.heard).toEqual(["joined"]));
    a.bus.relay("b", delivery({ ref: 1 }));
    a.bus.broadcast("Lobby", new TextEncoder().encode('{"type":"x"}'));
    a.bus.relay("b", delivery({ ref: 2 }));
    a.bus.relay("b", delivery({ ref: 3 }));
    a.bus.setBusy("Lobby", "alice", "s1", true);
    a.bus.relay("b", delivery({ ref: 4 }));
    a.bus.release("Lobby", "alice", "s1");
    await vi.waitFor(() => expect(b.listener.heard).toEqual(["joined", "relay 1", "broadcast", "relay 2", "relay 3", "status", "relay 4", "left"]));
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
    const node = `${prefix}node:b`;
    const relay = (...fields: unknown[]) => JSON.stringify(["r", 3, "Lobby", "bob", "s-bob", "alice", "s-alice", "a", "x", ...fields]);
    await raw.publish(node, "");
    await raw.publish(node, Buffer.from([0xff, 0x0a, 0x01]));
    await raw.publish(node, '{"kind":"relay","room":"Lobby"}\nabc');
    await raw.publish(node, `${relay(-1)}\nabc`);
    await raw.publish(node, `${relay(0, { ref: 1 })}\nabc`);
    await raw.publish(node, `${relay(0, "r", "extra")}\nabc`);
    await raw.publish(node, `${relay(0)}\nab`);
    await raw.publish(node, '["t",0,1,"token"]\n');
    await raw.publish(node, '["h",2,1,{},[5]]\nab');
    // A message that is fine, then one that is not: the first is delivered.
    await raw.publish(node, `${relay(0, "first")}\nabc["r",1]\nx`);
    raw.disconnect();
    await a.bus.claim(request("alice", "s1"));
    a.bus.relay("b", delivery());
    await vi.waitFor(() => expect([b.listener.kinds(), b.listener.relays.length]).toEqual([["joined"], 2]));
    expect(b.listener.relays[0]).toMatchObject({ ref: "first", type: "x", frame: new Uint8Array([0x61, 0x62, 0x63]) });
    expect(lines.filter((line) => line.includes("malformed"))).toHaveLength(12);
    expect(b.bus.up).toBe(true);
  });

  it("counts a Redis that stops answering as an outage, and syncs again once it answers", async () => {
    const prefix = freshPrefix();
    const a = await startBus("a", prefix);
    const b = await startBus("b", prefix);
    const alice = await a.bus.claim(request("alice", "s1"));
    a.listener.state = { members: [{ ...(alice.ok ? alice.member : (undefined as never)), roomKeys: ["lobby-key-1", "lobby-key-2"], nameKeys: usernameKeys("alice") }], groupCalls: [], histories: [], settings: [] };
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
      a.listener.state = { members: [{ ...(alice.ok ? alice.member : (undefined as never)), roomKeys: ["lobby-key-1", "lobby-key-2"], nameKeys: usernameKeys("alice") }], groupCalls: [], histories: [], settings: [] };
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
