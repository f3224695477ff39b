import type { DeliveredChatMessage } from "@switchboard/protocol";
import type { Redis } from "ioredis";
import type { GroupCallPolicy, GroupRefusal } from "./group-admission.js";
import { pino, type Logger } from "pino";
import { BusUnavailableError, type Bus, type BusListener, type ClaimRequest, type ClaimResult, type Delivery, type GroupCallState } from "./bus.js";
import type { ResumableRecord, ResumableSession, RoomSettings, SettingsChange, UnnumberedChat } from "./bus.js";
import type { NodeTiming } from "./memory-bus.js";
import { quit, redisConnection, unavailable, type RedisBusOptions } from "./redis-connection.js";
import { RedisStore } from "./redis-store.js";
import { TakeRequests, type TakeAnswer } from "./take-requests.js";
import { EventOrder } from "./event-order.js";
import { NodeOutbox } from "./node-outbox.js";
import { decodeEvent, decodeNodeMessages, type NodeMessage, type VersionedEvent } from "./wire-envelope.js";

/** Redis not answering this long counts as lost (at least nodeTimeoutMs: a busy machine's pause is not an outage). */
const MIN_SOCKET_TIMEOUT_MS = 2000;

type Phase = "new" | "starting" | "live" | "down" | "syncing" | "closed";

/**
 * A node of a cluster sharing its state in Redis: the MemoryBus's behaviour, with the store's
 * rules in Lua (redis-scripts.ts). One connection sends commands, one receives the room events
 * (`<prefix>events`) and this node's messages (`<prefix>node:<id>`). What goes to another node
 * is batched, one PUBLISH per node and turn (node-outbox.ts).
 *
 * Syncing (at start, and after the store or its events were lost): subscribe, buffer events,
 * beat, restore this node's users, load a snapshot; then apply the buffered events newer than
 * the snapshot, and every later one in version order. A version out of order means events
 * were lost: the node syncs again, as after an outage.
 */
export class RedisBus implements Bus {
  readonly nodeId: string;
  readonly #timing: NodeTiming;
  readonly #prefix: string;
  readonly #log: Logger;
  readonly #commands: Redis;
  readonly #subscriber: Redis;
  readonly #store: RedisStore;
  readonly #eventsChannel: Buffer;
  #listener: BusListener | undefined;
  #phase: Phase = "new";
  #up = false;
  #outages = 0;
  /** Bumped whenever the store or its events are lost: a sync that sees it change is void. */
  #epoch = 0;
  #syncing = false;
  #subscribed = false;
  readonly #events = new EventOrder();
  #timer: NodeJS.Timeout | undefined;
  #beating = false;
  /** No reaping before this (ms): after a sync the others get a timeout's time to beat again. */
  #reapFrom = 0;
  readonly #takes = new TakeRequests();
  /** State changes sent and not answered: a sync waits for them before reading localState(). */
  readonly #inflight = new Set<Promise<unknown>>();
  readonly #outbox: NodeOutbox;

  constructor(options: RedisBusOptions) {
    this.nodeId = options.nodeId;
    this.#timing = options.timing;
    this.#prefix = options.prefix ?? "switchboard:";
    this.#log = (options.logger ?? pino({ level: "silent" })).child({ component: "redis-bus", node: options.nodeId });
    const timeout = Math.max(options.timing.nodeTimeoutMs, MIN_SOCKET_TIMEOUT_MS);
    this.#commands = redisConnection(options.url, `switchboard:${this.nodeId}`, timeout, { enableAutoPipelining: true });
    this.#subscriber = redisConnection(options.url, `switchboard:${this.nodeId}:events`, timeout);
    this.#store = new RedisStore(this.#commands, this.#prefix, this.nodeId);
    this.#eventsChannel = Buffer.from(`${this.#prefix}events`);
    this.#outbox = new NodeOutbox(
      (node, message) => this.#commands.publish(this.#channelOf(node), message),
      (delivery) => this.#listener?.undelivered(delivery),
    );
    for (const connection of [this.#commands, this.#subscriber]) {
      connection.on("error", (error: Error) => this.#log.debug({ err: error }, "redis connection error"));
      connection.on("close", () => this.#connectionClosed(connection));
      connection.on("ready", () => void this.#recover());
    }
    this.#subscriber.on("messageBuffer", (channel: Buffer, message: Buffer) => this.#received(channel, message));
  }

  get up(): boolean {
    return this.#up;
  }

  get outages(): number {
    return this.#outages;
  }

  /** Rejects with BusUnavailableError when Redis cannot be reached. */
  async start(listener: BusListener): Promise<void> {
    if (this.#phase !== "new") throw new Error("a RedisBus starts once");
    this.#listener = listener;
    this.#phase = "starting";
    try {
      await Promise.all([this.#commands.connect(), this.#subscriber.connect()]);
      await this.#sync();
    } catch (error) {
      this.#end();
      this.#commands.disconnect();
      this.#subscriber.disconnect();
      throw error instanceof BusUnavailableError ? error : new BusUnavailableError(error);
    }
    this.#up = this.#isLive();
    this.#timer = setInterval(() => this.#tick(), this.#timing.heartbeatMs).unref();
  }

  async close(): Promise<void> {
    if (this.#phase === "closed") return;
    const wasUp = this.#up;
    this.#outbox.flush();
    this.#end();
    if (wasUp) await this.#store.leave(this.#timing.resumeGraceMs).catch((error: unknown) => this.#log.warn({ err: error }, "could not leave the cluster"));
    await Promise.all([quit(this.#commands), quit(this.#subscriber)]);
  }

  /**
   * For tests only: the process died, once what it had sent reached Redis. No goodbye: both
   * connections drop, its heartbeat key lapses and the other nodes reap its users. The bus is
   * unusable afterwards.
   */
  async crashForTests(): Promise<void> {
    this.#outbox.flush();
    this.#end();
    await Promise.allSettled([...this.#inflight]);
    this.#commands.disconnect();
    this.#subscriber.disconnect();
  }

  claim(request: ClaimRequest): Promise<ClaimResult> {
    return this.#ask(() => this.#store.claim(request));
  }

  release(room: string, name: string, session: string, removed?: boolean): void {
    this.#write("release", () => this.#store.release(room, name, session, removed));
  }

  changeSettings(room: string, change: SettingsChange): Promise<RoomSettings | undefined> {
    return this.#ask(() => this.#store.changeSettings(room, change));
  }

  setBusy(room: string, name: string, session: string, busy: boolean): void {
    this.#write("setBusy", () => this.#store.setBusy(room, name, session, busy));
  }

  groupJoin(room: string, name: string, policy: GroupCallPolicy): Promise<GroupCallState | GroupRefusal> {
    return this.#ask(() => this.#store.groupJoin(room, name, policy));
  }

  groupLeave(room: string, name: string): Promise<GroupCallState> {
    return this.#ask(() => this.#store.groupLeave(room, name));
  }

  postChat(room: string, message: UnnumberedChat, historySize: number): Promise<DeliveredChatMessage> {
    return this.#ask(() => this.#store.postChat(room, message, historySize));
  }

  broadcast(room: string, frame: Uint8Array): void {
    this.#write("broadcast", () => this.#store.broadcast(room, frame));
  }

  /** The hot path: in the node's batch, whose PUBLISH's count of receivers says whether the node is there. */
  relay(node: string, delivery: Delivery): void {
    if (this.#writable()) this.#outbox.relay(node, delivery);
    else queueMicrotask(() => this.#listener?.undelivered(delivery));
  }

  undelivered(delivery: Delivery): void {
    if (this.#writable()) this.#outbox.undelivered(delivery.fromNode, delivery);
  }

  findResumable(tokenHash: string): Promise<ResumableRecord | undefined> {
    return this.#ask(() => this.#store.findResumable(tokenHash));
  }

  rememberResumable(tokenHash: string, record: ResumableSession): void {
    this.#write("rememberResumable", () => this.#store.rememberResumable(tokenHash, record));
  }

  forgetResumable(tokenHash: string, graceMs?: number): void {
    this.#write("forgetResumable", () => this.#store.forgetResumable(tokenHash, graceMs));
  }

  async takeSession(node: string, token: string): Promise<TakeAnswer> {
    if (!this.#up) throw new BusUnavailableError();
    const { id, answer } = this.#takes.open();
    const receivers = await this.#outbox.take(node, id, token, this.nodeId).catch((error: unknown) => {
      this.#takes.answer(id, "unreachable");
      throw new BusUnavailableError(error);
    });
    if (receivers === 0) this.#takes.answer(id, "unreachable");
    return answer;
  }

  /** (A method: TypeScript would narrow the field across awaits as if nothing changed it.) */
  #isLive(): boolean {
    return this.#phase === "live";
  }

  #channelOf(node: string): string {
    return `${this.#prefix}node:${node}`;
  }

  /** Writes go out while the connection serves: live, or syncing (they then follow the restore). */
  #writable(): boolean {
    return this.#phase === "live" || this.#phase === "syncing";
  }

  async #ask<T>(operation: () => Promise<T>): Promise<T> {
    if (!this.#up) throw new BusUnavailableError();
    this.#outbox.flush();
    return this.#track(operation()).catch(unavailable);
  }

  #write(what: string, operation: () => Promise<unknown>): void {
    if (!this.#writable()) return;
    this.#outbox.flush();
    this.#track(operation()).catch((error: unknown) => this.#log.warn({ err: error, operation: what }, "a bus write failed"));
  }

  #track<T>(promise: Promise<T>): Promise<T> {
    this.#inflight.add(promise);
    const done = () => this.#inflight.delete(promise);
    promise.then(done, done);
    return promise;
  }

  #received(channel: Buffer, message: Buffer): void {
    if (!channel.equals(this.#eventsChannel)) {
      if (!decodeNodeMessages(message, this.#deliver)) this.#log.warn("ignored a malformed node message from Redis");
      return;
    }
    try {
      const event = decodeEvent(message);
      if (!event) this.#log.warn("ignored a malformed event from Redis");
      else if (this.#phase === "live") this.#apply(event);
      else this.#events.held(event);
    } catch (error) {
      this.#log.error({ err: error }, "the bus listener threw");
    }
  }

  /** One listener failure must not leave a sync half done. */
  #applySafely(event: VersionedEvent): void {
    try {
      this.#apply(event);
    } catch (error) {
      this.#log.error({ err: error }, "the bus listener threw");
    }
  }

  #apply(event: VersionedEvent): void {
    if (!this.#events.next(event)) {
      this.#lose(`events were lost: ${event.version} came after ${this.#events.version}`);
      return;
    }
    if (event.origin !== this.nodeId) this.#listener?.event(event.event);
  }

  /** One message of a batch: the others are delivered whatever its listener does. */
  readonly #deliver = (message: NodeMessage): void => {
    const listener = this.#listener;
    if (!listener) return;
    try {
      switch (message.kind) {
        case "relay":
          return listener.relay(message.delivery);
        case "undelivered":
          return listener.undelivered(message.delivery);
        case "take": {
          const handover = listener.handOver(message.token, message.from);
          this.#outbox.handover(message.from, message.id, handover).then(
            (receivers) => receivers === 0 && this.#log.warn({ to: message.from }, "a session was handed over to a node that is gone"),
            (error: unknown) => this.#log.warn({ err: error, to: message.from }, "could not hand a session over"),
          );
          return;
        }
        case "handover":
          return this.#takes.answer(message.id, message.handover);
      }
    } catch (error) {
      this.#log.error({ err: error }, "the bus listener threw");
    }
  };

  /** Joins, or joins again: see the class comment. */
  async #sync(): Promise<void> {
    const epoch = this.#epoch;
    const check = () => {
      if (epoch !== this.#epoch) throw new BusUnavailableError(new Error("the store was lost while syncing"));
    };
    if (!this.#subscribed) {
      await this.#subscriber.subscribe(this.#eventsChannel.toString(), this.#channelOf(this.nodeId));
      this.#subscribed = true;
      check();
    }
    this.#events.hold();
    // localState() must include what the state changes in flight did.
    await Promise.allSettled([...this.#inflight]);
    await new Promise(setImmediate);
    check();
    this.#outbox.flush();
    const [beat, lost, { version, snapshot }] = await Promise.all([
      this.#store.heartbeat(this.#timing.nodeTimeoutMs),
      this.#store.restore(this.#listener!.localState()),
      this.#store.snapshot(),
    ]);
    check();
    const newer = this.#events.release(version);
    if (beat.registered && this.#phase === "starting") {
      this.#log.warn("this node id was registered already: what an earlier run left was released");
    }
    this.#listener!.reset(snapshot, lost);
    // Back from an outage (a paused Redis, say), every node's heartbeat key may have lapsed.
    this.#reapFrom = Date.now() + this.#timing.nodeTimeoutMs;
    this.#phase = "live";
    for (const event of newer) {
      this.#applySafely(event);
      if (this.#phase !== "live") return;
    }
  }

  /** Every heartbeatMs: beat and reap while live, try to sync again while down. */
  #tick(): void {
    if (this.#phase === "down") void this.#recover();
    else if (this.#phase === "live" && !this.#beating) void this.#beat();
  }

  async #beat(): Promise<void> {
    this.#beating = true;
    // Any command makes a silent subscriber connection time out (socketTimeout).
    this.#subscriber.ping().catch(() => {});
    this.#outbox.flush();
    try {
      const beat = await this.#store.heartbeat(this.#timing.nodeTimeoutMs);
      if (!this.#isLive()) return;
      if (!beat.registered) return this.#lose("the store lost track of this node (reaped, or flushed)");
      if (Date.now() < this.#reapFrom) return;
      for (const node of beat.dead) {
        this.#store.reap(node, this.#timing.resumeGraceMs).catch((error: unknown) => this.#log.debug({ err: error, node }, "reap failed"));
      }
    } catch (error) {
      this.#log.debug({ err: error }, "heartbeat failed");
    } finally {
      this.#beating = false;
    }
  }

  async #recover(): Promise<void> {
    if (this.#phase !== "down" || this.#syncing) return;
    if (this.#commands.status !== "ready" || this.#subscriber.status !== "ready") return;
    this.#phase = "syncing";
    this.#syncing = true;
    try {
      await this.#sync();
      if (!this.#isLive()) return;
      this.#up = true;
      this.#log.info({ outages: this.#outages }, "the cluster's shared store is reachable again");
      this.#listener?.health(true);
    } catch (error) {
      if (this.#phase === "syncing") this.#phase = "down";
      this.#log.warn({ err: error }, "could not sync with the cluster's shared store; trying again");
    } finally {
      this.#syncing = false;
    }
  }

  #connectionClosed(connection: Redis): void {
    if (this.#phase === "new" || this.#phase === "closed") return;
    if (connection === this.#subscriber) this.#subscribed = false;
    this.#lose("the connection to Redis was lost");
  }

  /** The store, or some of its events, were lost: down until synced again. */
  #lose(reason: string): void {
    this.#epoch++;
    this.#events.drop();
    if (this.#phase === "live" || this.#phase === "syncing") this.#phase = "down";
    if (!this.#up) return;
    this.#up = false;
    this.#outages++;
    this.#log.warn({ reason }, "lost the cluster's shared store");
    this.#listener?.health(false);
  }

  #end(): void {
    this.#epoch++;
    this.#phase = "closed";
    this.#up = false;
    clearInterval(this.#timer);
    this.#takes.abandon();
    this.#listener = undefined;
  }
}
