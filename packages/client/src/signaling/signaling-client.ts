import {
  CLOSE_CODES,
  type AckMessage,
  type IceServer,
  type UserStatus,
  type WelcomeMessage,
} from "@switchboard/protocol";
import { TypedEmitter, type Disposer } from "../typed-emitter.js";
import { RetrySchedule } from "./backoff.js";
import { BusyHolds } from "./busy-holds.js";
import { assertTransition, type ConnectionState } from "./connection-state.js";
import { Heartbeat } from "./heartbeat.js";
import { Inbound } from "./inbound.js";
import { Outbound, type Reply } from "./outbound.js";
import { appMessage } from "./peer-messages.js";
import type { UserInfo } from "./presence.js";
import { RoomView } from "./room-view.js";
import { SessionMemory } from "./session-memory.js";
import { whenOpen } from "./signaling-events.js";
import { SignalingError } from "./signaling-error.js";
import {
  resolveSignalingOptions,
  type OutgoingMessage,
  type SignalingClientEvents,
  type SignalingClientOptions,
} from "./signaling-types.js";
import { closeQuietly, detach, type WebSocketLike } from "./websocket-like.js";

/**
 * The signaling connection: a WebSocket that reconnects by itself, speaks the modern protocol
 * (`hello`), keeps the user list, and turns `ref`/`ack`/`error` into promises. Nothing the
 * server sends is trusted before it passed the protocol's schemas, and what other users send
 * (stamped `from`) never passes for the server's (see decode.ts).
 *
 * After a reconnect it says `hello` again — asking to resume the dropped session when the
 * server offered that (then nothing is lost: the server replays what we missed) — or else logs
 * in again under the same name, in the same room; then it sends what was queued meanwhile. A
 * request in flight when the connection dropped fails ("connection-lost"; the server may have
 * acted on it).
 */
export class SignalingClient {
  readonly url: string;
  readonly options: Readonly<SignalingClientOptions>;
  readonly #events = new TypedEmitter<SignalingClientEvents>();
  readonly #session = new SessionMemory();
  readonly #view = new RoomView(this.#events);
  readonly #out: Outbound;
  readonly #in: Inbound;
  readonly #busy = new BusyHolds((status) => this.send({ type: "set-status", status }));
  readonly #retry: RetrySchedule | null;
  #state: ConnectionState = "idle";
  #socket: WebSocketLike | null = null;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  readonly #heartbeat = new Heartbeat({
    ping: () => this.#out.send({ type: "ping", received: this.#session.received }, true),
    dead: () => this.#dropSocket(),
  });

  /** Throws a TypeError for a url that is not ws: or wss:, or when there is no WebSocket to use. */
  constructor(options: Partial<SignalingClientOptions> = {}) {
    this.options = resolveSignalingOptions(options);
    this.url = this.options.url;
    this.#out = new Outbound(this.options.maxQueuedMessages, (error) => this.#events.emit("error", error));
    this.#in = new Inbound(this.#events, this.#session, this.#view, this.#out.pending);
    this.#retry = this.options.reconnect ? new RetrySchedule(this.options.reconnect) : null;
  }

  /** Subscribes to an event; returns the disposer. */
  on<E extends keyof SignalingClientEvents>(event: E, listener: SignalingClientEvents[E]): Disposer {
    return this.#events.on(event, listener);
  }

  once<E extends keyof SignalingClientEvents>(event: E, listener: SignalingClientEvents[E]): Disposer {
    return this.#events.once(event, listener);
  }

  get state(): ConnectionState {
    return this.#state;
  }

  /** Our name once logged in (the server's final choice), else null. */
  get name(): string | null {
    return this.#session.name;
  }

  /** The server's id for the current socket (changes on every reconnect). */
  get sessionId(): string | null {
    return this.#session.sessionId;
  }

  /** The latest `welcome`: protocol features, limits and ICE servers. */
  get welcome(): WelcomeMessage | null {
    return this.#session.welcome;
  }

  /** The ICE servers to use for new peer connections and ICE restarts (latest credentials). */
  get iceServers(): readonly IceServer[] {
    return this.#session.iceServers;
  }

  /** The room we are in, as the server spells it (welcome, joinRoom()); null before the first welcome. */
  get room(): string | null {
    return this.#view.room;
  }

  /** Online users of our room, ourselves included, in join order. */
  get users(): readonly UserInfo[] {
    return this.#view.users;
  }

  user(name: string): UserInfo | undefined {
    return this.#view.user(name);
  }

  /** Who is in our room's group call, in join order (see the `group-call` event and GroupCall). */
  get groupCall(): readonly string[] {
    return this.#view.groupCall;
  }

  /** Opens the connection (once); resolves when it is open, rejects if the client closes first. */
  connect(): Promise<void> {
    if (this.#state === "idle") {
      this.#transition("connecting");
      this.#openSocket();
    }
    return whenOpen(this.#state, (listener) => this.#events.on("state", listener));
  }

  /**
   * Logs in (connecting first if needed). Resolves with the name the server gave, which differs
   * from `name` when that was taken (a `renamed` event says so too).
   */
  async login(name: string): Promise<string> {
    if (this.#state === "idle") void this.connect().catch(() => {});
    const ack = await this.#request({ type: "username", name }, this.options.requestTimeoutMs, false);
    return this.#adoptName(ack, name);
  }

  /**
   * Moves to another room without reconnecting: we leave our room (and any call in it) and log
   * into `room` under our name, renamed if it is taken there (`renamed`). Presence is reset and
   * rebuilt from the new room's snapshot; `room` is emitted. Before login it only chooses the
   * room (`name` is then ""). Rejects with a SignalingError, e.g. "bad-room".
   */
  async joinRoom(room: string): Promise<{ room: string; name: string }> {
    if (this.#state === "idle") void this.connect().catch(() => {});
    const switching = this.#view.switching();
    try {
      const ack = await this.#request({ type: "join-room", room }, this.options.requestTimeoutMs, false);
      return { room: this.#view.room ?? room, name: ack.type === "ack" ? (ack.name ?? this.name ?? "") : (this.name ?? "") };
    } catch (error) {
      switching.failed();
      throw error;
    }
  }

  /**
   * Sends a message with a fresh `ref`: resolves on the server's `ack`, rejects with a
   * SignalingError carrying the server's code on its `error`, or "timeout"/"connection-lost"/
   * "closed". Queued while not connected.
   */
  async request(message: OutgoingMessage, options: { timeoutMs?: number } = {}): Promise<AckMessage> {
    const reply = await this.#request(message, options.timeoutMs ?? this.options.requestTimeoutMs, false);
    return reply as AckMessage;
  }

  /** Sends without waiting for an answer; queued while not connected. Failures arrive as `error` events. */
  send(message: OutgoingMessage): void {
    if (this.#state === "closed") {
      this.#events.emit("error", SignalingError.client("closed", `Not sent (${message.type}): the client is closed.`));
      return;
    }
    this.#out.send(message, this.#state === "open");
  }

  /** Public chat when `target` is absent; else private, shown to us as a `chat` event once acked. */
  async chat(text: string, target?: string): Promise<void> {
    await this.request(target === undefined ? { type: "message", text } : { type: "message", text, target });
    if (target !== undefined) {
      this.#events.emit("chat", { from: this.name ?? "", text, date: Date.now(), to: target });
    }
  }

  /**
   * Sends an app-defined message to one user: resolves on the server's ack, rejects with a
   * SignalingError (e.g. "unknown-target" when `target` is offline). The recipient gets a
   * `peer-message` event whose `from` the server stamped. Throws a TypeError at once when `type`
   * is not app-defined (see the protocol's isAppMessageType). `data` must be JSON.
   */
  sendToPeer(target: string, type: string, data?: unknown): Promise<void> {
    return this.request(appMessage(type, data, target)).then(() => undefined);
  }

  /** Like sendToPeer(), to every logged-in user, ourselves included (as the server relays it). */
  broadcast(type: string, data?: unknown): Promise<void> {
    return this.request(appMessage(type, data, null)).then(() => undefined);
  }

  /** Tells everyone whether we are busy (in a call). */
  async setStatus(status: UserStatus): Promise<void> {
    await this.request({ type: "set-status", status });
  }

  /** Whether something (a 1:1 call, a group call) holds us busy; see holdBusy(). */
  get busy(): boolean {
    return this.#busy.busy;
  }

  /**
   * Marks us busy for others (`set-status`) until the disposer is called; with several holders
   * (a 1:1 call and a group call) we are available again only when all let go. Kept across a
   * fresh session: the new login says busy again. CallManager and GroupCall use it.
   */
  holdBusy(): Disposer {
    return this.#busy.hold();
  }

  /** Stops everything: the socket, retries, pending and queued requests ("closed"). Final. */
  close(): void {
    if (this.#state === "closed") return;
    this.#shutdown(SignalingError.client("closed", "The client was closed."));
  }

  // --- sending --------------------------------------------------------------------------------

  /** Requests go out now when open (or when they are the handshake itself), else queue. */
  #request(message: OutgoingMessage, timeoutMs: number, handshake: boolean): Promise<Reply> {
    if (this.#state === "closed") {
      return Promise.reject(SignalingError.client("closed", `Not sent (${message.type}): the client is closed.`));
    }
    return this.#out.request(message, timeoutMs, handshake || this.#state === "open");
  }

  // --- connection life ------------------------------------------------------------------------

  #openSocket(): void {
    let socket: WebSocketLike;
    try {
      socket = new this.options.WebSocket(this.url);
    } catch (cause) {
      this.#events.emit("error", SignalingError.client("connection-lost", `Cannot open ${this.url}.`, undefined, cause));
      this.#scheduleRetry();
      return;
    }
    this.#socket = this.#out.socket = socket;
    socket.onopen = () => {
      if (this.#socket === socket) void this.#handshake(socket);
    };
    socket.onmessage = (event) => {
      if (this.#socket !== socket) return;
      this.#heartbeat.activity();
      this.#in.receive(event.data);
    };
    socket.onerror = () => {}; // `close` follows and carries the decision.
    socket.onclose = (event) => {
      if (this.#socket !== socket) return;
      // Someone else resumed our session with our token: fighting back would only trade it.
      if (event.code !== CLOSE_CODES.sessionReplaced) return this.#socketLost();
      const replaced = SignalingError.client("session-replaced", "This session was taken over by another connection.");
      this.#events.emit("error", replaced);
      this.#shutdown(replaced);
    };
  }

  /** `hello`, then (after a reconnect) the same login again; only then is the client "open". */
  async #handshake(socket: WebSocketLike): Promise<void> {
    const timeoutMs = this.options.handshakeTimeoutMs;
    try {
      const room = this.#view.room ?? this.options.room ?? null;
      const welcome = await this.#request(this.#session.hello(room), timeoutMs, true);
      if (this.#socket !== socket || welcome.type !== "welcome") return;
      this.#session.welcomed(welcome);
      const heartbeatMs = welcome.limits.heartbeatIntervalMs;
      if (heartbeatMs !== undefined && heartbeatMs > 0) this.#heartbeat.start(heartbeatMs);
      this.#events.emit("welcome", welcome);
      const name = this.#session.name;
      if (name !== null && welcome.resumed !== true) {
        const ack = await this.#request({ type: "username", name }, timeoutMs, true);
        if (this.#socket !== socket) return;
        this.#adoptName(ack, name);
        this.#busy.freshSession(); // Queued: goes out right after the login.
      }
    } catch (error) {
      if (this.#socket !== socket) return; // The socket dropped; #socketLost already acted.
      const failure = error instanceof SignalingError ? error : SignalingError.client("connection-lost", String(error));
      this.#events.emit("error", failure);
      // A server that does not speak our protocol will not learn it by retrying.
      if (failure.code === "unsupported-protocol") this.#shutdown(failure);
      else this.#dropSocket();
      return;
    }
    this.#transition("open");
    this.#retry?.reset();
    this.#out.flush();
  }

  /** The login's ack carries the name the server gave, which may differ from the one asked for. */
  #adoptName(ack: Reply, requested: string): string {
    const given = ack.type === "ack" && ack.name !== undefined ? ack.name : requested;
    this.#session.name = given;
    if (given !== requested) this.#events.emit("renamed", { requested, name: given });
    return given;
  }

  #dropSocket(): void {
    const socket = this.#socket;
    if (!socket) return;
    detach(socket);
    this.#socketLost();
  }

  /** The socket is gone: fail what was in flight, then retry or give up. */
  #socketLost(): void {
    const socket = this.#socket;
    this.#socket = this.#out.socket = null;
    this.#heartbeat.stop();
    this.#session.stopCounting();
    if (socket) {
      detach(socket);
      // Still open when the heartbeat or the handshake gave up on it: we will be back at once.
      closeQuietly(socket, CLOSE_CODES.reconnecting);
    }
    this.#out.failInFlight();
    if (this.#state === "closed") return;
    this.#scheduleRetry();
  }

  #scheduleRetry(): void {
    const delay = this.#retry?.next() ?? null;
    if (delay === null) {
      this.#shutdown(SignalingError.client("closed", "The connection is lost and reconnecting gave up."));
      return;
    }
    if (this.#state !== "reconnecting") this.#transition("reconnecting");
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = undefined;
      this.#openSocket();
    }, delay);
  }

  #shutdown(reason: SignalingError): void {
    this.#heartbeat.stop();
    clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
    const socket = this.#socket;
    this.#socket = this.#out.socket = null;
    if (socket) {
      detach(socket);
      closeQuietly(socket, CLOSE_CODES.normalClosure);
    }
    this.#out.failAll(reason);
    this.#transition("closed");
    this.#view.clear();
  }

  #transition(to: ConnectionState): void {
    const from = this.#state;
    assertTransition(from, to);
    this.#state = to;
    this.#events.emit("state", to, from);
  }
}
