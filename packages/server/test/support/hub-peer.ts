import type { ErrorCode, Ref } from "@switchboard/protocol";
import { afterEach, beforeEach, vi } from "vitest";
import type { BusListener } from "../../src/bus/bus.js";
import { MemoryBroker, MemoryBus } from "../../src/bus/memory-bus.js";
import { Hub, type HubOptions } from "../../src/hub/hub.js";
import { HubReplica } from "../../src/hub/hub-replica.js";
import type { Peer } from "../../src/hub/peer.js";
import { FrameParts, type Frame } from "../../src/wire/frame.js";
import type { ProtocolError } from "../../src/wire/protocol-error.js";

const decoder = new TextDecoder();

/** A peer for the hub's unit tests: keeps every message it is sent, decoded, and every refusal. */
export class TestPeer implements Peer {
  readonly id: string;
  name: string | null = null;
  readonly inbox: Record<string, unknown>[] = [];
  /** What the hub refused after accepting it (`Peer.refused`), in order. */
  readonly refusals: { code: ErrorCode; detail: string; ref?: Ref }[] = [];
  constructor(
    id: string,
    readonly modern = false,
  ) {
    this.id = id;
  }
  send(frame: Frame): void {
    this.inbox.push(JSON.parse(typeof frame === "string" ? frame : decoder.decode(frame instanceof FrameParts ? frame.join() : frame)));
  }
  refused(code: ErrorCode, detail: string, ref?: Ref): void {
    this.refusals.push(ref === undefined ? { code, detail } : { code, detail, ref });
  }
  of(type: string) {
    return this.inbox.filter((m) => m.type === type);
  }
}

/** Logs a TestPeer in; its id says where (node and room), so two rooms' or two nodes' "sam"s differ. */
export async function logIn(hub: Hub, name: string, room?: string, modern = true): Promise<TestPeer> {
  const peer = new TestPeer(`${hub.bus.nodeId}/${room ?? "lobby"}/${name}`, modern);
  peer.name = await hub.login(peer, name, room);
  return peer;
}

/** Who a modern peer thinks is in its room: its snapshots with the deltas applied, as the SDK does. */
export function seen(peer: TestPeer): string[] {
  const names = new Set<string>();
  for (const message of peer.inbox) {
    const users = (message.users ?? []) as string[];
    if (message.type === "userlist") names.clear();
    if (message.type === "userlist" || message.type === "user-joined") for (const name of users) names.add(name);
    if (message.type === "user-left") for (const name of users) names.delete(name);
  }
  return [...names];
}

/** What `fn` threw (a hub refuses with a ProtocolError), or undefined. */
export function thrownBy(fn: () => void): ProtocolError | undefined {
  try {
    fn();
  } catch (error) {
    return error as ProtocolError;
  }
  return undefined;
}

/** What `promise` rejected with (a hub refuses with a ProtocolError), or undefined when it resolved. */
export async function rejectedBy(promise: Promise<unknown>): Promise<ProtocolError | undefined> {
  try {
    await promise;
  } catch (error) {
    return error as ProtocolError;
  }
  return undefined;
}

/** The hub options the unit tests use unless they say otherwise. */
const TEST_HUB_OPTIONS: HubOptions = { presenceIntervalMs: 100, historySize: 10, historyMaxBytes: 64 * 1024, maxChatTextLength: 2000, maxMeshParticipants: 6, moderatorRule: "first-member" };

export interface TestNode {
  readonly hub: Hub;
  readonly bus: MemoryBus;
  readonly replica: HubReplica;
  /** Stops the hub's timers and leaves the cluster. */
  close(): Promise<void>;
}

/**
 * A node on `broker`, as `createServer` wires one (without sockets): a hub whose bus reports
 * to a `HubReplica` of it. Resolves once the bus has started (the node has its replica).
 */
export async function startNode(broker: MemoryBroker, options: Partial<HubOptions> = {}, nodeId?: string): Promise<TestNode> {
  const bus = new MemoryBus(broker, nodeId);
  const hub = new Hub({ ...TEST_HUB_OPTIONS, ...options }, bus);
  const replica = new HubReplica(hub, 2 * broker.timing.nodeTimeoutMs);
  const listener: BusListener = {
    event: (event) => replica.event(event),
    relay: (delivery) => replica.relay(delivery),
    undelivered: (delivery) => replica.undelivered(delivery),
    handOver: () => undefined,
    localState: () => replica.localState(),
    reset: (snapshot, lost) => replica.reset(snapshot, lost),
    health: () => {},
  };
  await bus.start(listener);
  return {
    hub,
    bus,
    replica,
    close: async () => {
      hub.close();
      await bus.close();
    },
  };
}

/**
 * A fresh hub (`options` over the tests' defaults), alone on its own broker, for each test of the
 * calling file, on vitest's fake timers. The bus starts before the timers are faked: its
 * heartbeat is not one of the timers a test counts or advances.
 */
export function hubPerTest(options: Partial<HubOptions> = {}): { readonly hub: Hub } {
  let node: TestNode | undefined;
  beforeEach(async () => {
    node = await startNode(new MemoryBroker(), options);
    vi.useFakeTimers();
  });
  afterEach(async () => {
    await node?.close();
    node = undefined;
    vi.useRealTimers();
  });
  return {
    get hub() {
      if (!node) throw new Error("no hub outside a test");
      return node.hub;
    },
  };
}
