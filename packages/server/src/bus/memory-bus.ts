import type { GroupCallPolicy, GroupRefusal } from "./group-admission.js";
import { randomUUID } from "node:crypto";
import type { DeliveredChatMessage } from "@switchboard/protocol";
import {
  BusUnavailableError,
  type Bus,
  type BusListener,
  type ClaimRequest,
  type ClaimResult,
  type ClusterEvent,
  type Delivery,
  type GroupCallState,
  type ResumableRecord,
  type ResumableSession,
  type RoomSettings,
  type SettingsChange,
  type SessionHandover,
  type UnnumberedChat,
} from "./bus.js";
import { MemoryStore } from "./memory-store.js";

export interface NodeTiming {
  /** How often a node says it is alive... */
  heartbeatMs: number;
  /** ...and how long after its last beat the others remove its users. */
  nodeTimeoutMs: number;
  /** How long a gone node's users may still resume elsewhere. */
  resumeGraceMs: number;
}

interface Attached {
  bus: MemoryBus;
  lastBeat: number;
  /** Messages on their way to it, delivered in order on a later microtask (like a network would). */
  inbox: (() => void)[];
}

/**
 * The in-process cluster: the store and the nodes' message delivery. The default server runs
 * one node on its own broker; tests run several nodes on one broker.
 */
export class MemoryBroker {
  readonly store = new MemoryStore((origin, event) => this.#publish(origin, event));
  readonly #nodes = new Map<string, Attached>();
  #down = false;

  constructor(readonly timing: NodeTiming = { heartbeatMs: 1000, nodeTimeoutMs: 5000, resumeGraceMs: 30_000 }) {}

  /** For tests: the store becomes unreachable (true) or reachable again, having lost nothing. */
  set down(down: boolean) {
    this.#down = down;
    for (const attached of this.#nodes.values()) attached.bus.storeReachable(!down);
  }

  get down(): boolean {
    return this.#down;
  }

  attach(bus: MemoryBus): void {
    this.#nodes.set(bus.nodeId, { bus, lastBeat: Date.now(), inbox: [] });
  }

  detach(nodeId: string): void {
    this.#nodes.delete(nodeId);
  }

  beat(nodeId: string): void {
    const attached = this.#nodes.get(nodeId);
    if (attached) attached.lastBeat = Date.now();
  }

  isAlive(nodeId: string): boolean {
    const attached = this.#nodes.get(nodeId);
    return attached !== undefined && Date.now() - attached.lastBeat < this.timing.nodeTimeoutMs;
  }

  /** Removes the users of nodes that stopped beating. */
  reap(): void {
    const now = Date.now();
    for (const [nodeId, attached] of [...this.#nodes]) {
      if (now - attached.lastBeat < this.timing.nodeTimeoutMs) continue;
      this.#nodes.delete(nodeId);
      this.store.reap(nodeId, this.timing.resumeGraceMs, now);
    }
  }

  /** Runs `deliver` on `nodeId`'s listener later, in order; false when that node is not here. */
  send(nodeId: string, deliver: (listener: BusListener) => void): boolean {
    const attached = this.#nodes.get(nodeId);
    if (!attached || !attached.bus.receiving) return false;
    if (attached.inbox.push(() => attached.bus.receive(deliver)) === 1) {
      queueMicrotask(() => {
        const inbox = attached.inbox;
        attached.inbox = [];
        for (const run of inbox) run();
      });
    }
    return true;
  }

  /** To every node but `origin`, after what was published before. */
  publish(origin: string, event: ClusterEvent): void {
    this.#publish(origin, event);
  }

  #publish(origin: string, event: ClusterEvent): void {
    for (const nodeId of this.#nodes.keys()) if (nodeId !== origin) this.send(nodeId, (listener) => listener.event(event));
  }
}

/** A node on a `MemoryBroker`: the embedded default, and the model the Redis bus follows. */
export class MemoryBus implements Bus {
  readonly nodeId: string;
  #listener: BusListener | undefined;
  #heartbeat: ReturnType<typeof setInterval> | undefined;
  #up = true;
  #outages = 0;
  /** Crashed (tests): neither beats nor receives. */
  #crashed = false;

  constructor(
    private readonly broker: MemoryBroker = new MemoryBroker(),
    nodeId: string = randomUUID(),
  ) {
    this.nodeId = nodeId;
  }

  get up(): boolean {
    return this.#up;
  }

  get outages(): number {
    return this.#outages;
  }

  get receiving(): boolean {
    return this.#listener !== undefined && !this.#crashed && this.#up;
  }

  async start(listener: BusListener): Promise<void> {
    this.#listener = listener;
    this.broker.attach(this);
    const { heartbeatMs } = this.broker.timing;
    this.#heartbeat = setInterval(() => {
      if (!this.#up) return;
      this.broker.beat(this.nodeId);
      this.broker.reap();
    }, heartbeatMs);
    this.#heartbeat.unref();
    listener.reset(this.broker.store.snapshot(), []);
  }

  async close(): Promise<void> {
    clearInterval(this.#heartbeat);
    this.broker.detach(this.nodeId);
    this.#listener = undefined;
  }

  /** For tests: the process died. Its users stay in the store until the others reap them. */
  crash(): void {
    clearInterval(this.#heartbeat);
    this.#crashed = true;
  }

  /** The broker's store went away or came back. */
  storeReachable(up: boolean): void {
    if (up === this.#up || this.#crashed) return;
    this.#up = up;
    if (!up) this.#outages++;
    this.#listener?.health(up);
    if (!up || !this.#listener) return;
    this.broker.beat(this.nodeId);
    const lost = this.broker.store.restore(this.nodeId, this.#listener.localState());
    this.#listener.reset(this.broker.store.snapshot(), lost);
  }

  receive(deliver: (listener: BusListener) => void): void {
    if (this.#listener && !this.#crashed) deliver(this.#listener);
  }

  async claim(request: ClaimRequest): Promise<ClaimResult> {
    this.#checkUp();
    return this.broker.store.claim(this.nodeId, request);
  }

  release(room: string, name: string, session: string, removed?: boolean): void {
    if (this.#up) this.broker.store.release(this.nodeId, room, name, session, removed);
  }

  async changeSettings(room: string, change: SettingsChange): Promise<RoomSettings | undefined> {
    this.#checkUp();
    return this.broker.store.changeSettings(this.nodeId, room, change);
  }

  setBusy(room: string, name: string, session: string, busy: boolean): void {
    if (this.#up) this.broker.store.setBusy(this.nodeId, room, name, session, busy);
  }

  async groupJoin(room: string, name: string, policy: GroupCallPolicy): Promise<GroupCallState | GroupRefusal> {
    this.#checkUp();
    return this.broker.store.groupJoin(this.nodeId, room, name, policy);
  }

  async groupLeave(room: string, name: string): Promise<GroupCallState> {
    this.#checkUp();
    return this.broker.store.groupLeave(this.nodeId, room, name);
  }

  async postChat(room: string, message: UnnumberedChat, historySize: number): Promise<DeliveredChatMessage> {
    this.#checkUp();
    return this.broker.store.postChat(this.nodeId, room, message, historySize);
  }

  broadcast(room: string, frame: Uint8Array): void {
    if (this.#up) this.broker.publish(this.nodeId, { kind: "broadcast", room, frame });
  }

  relay(node: string, delivery: Delivery): void {
    if (this.#up && this.broker.send(node, (listener) => listener.relay(delivery))) return;
    this.broker.send(this.nodeId, (listener) => listener.undelivered(delivery));
  }

  undelivered(delivery: Delivery): void {
    if (this.#up) this.broker.send(delivery.fromNode, (listener) => listener.undelivered(delivery));
  }

  async findResumable(tokenHash: string): Promise<ResumableRecord | undefined> {
    this.#checkUp();
    return this.broker.store.findResumable(tokenHash, Date.now(), (node) => this.broker.isAlive(node));
  }

  rememberResumable(tokenHash: string, record: ResumableSession): void {
    if (this.#up) this.broker.store.rememberResumable(tokenHash, record);
  }

  forgetResumable(tokenHash: string, graceMs?: number): void {
    if (this.#up) this.broker.store.forgetResumable(tokenHash, graceMs, Date.now());
  }

  async takeSession(node: string, token: string): Promise<SessionHandover | undefined | "unreachable"> {
    this.#checkUp();
    return new Promise((resolve) => {
      const to = this.nodeId;
      const sent = this.broker.send(node, (listener) => {
        const handover = listener.handOver(token, to);
        if (!this.broker.send(to, () => resolve(handover))) resolve(undefined);
      });
      if (!sent) resolve("unreachable");
    });
  }

  #checkUp(): void {
    if (!this.#up) throw new BusUnavailableError();
  }
}
