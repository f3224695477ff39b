import {
  PROTOCOL_VERSION,
  ServerMessage,
  type AckMessage,
  type CallMessage,
  type Ref,
  type UserStatus,
  type WelcomeMessage,
} from "@switchboard/protocol";
import { TypedEmitter, type Disposer } from "../typed-emitter.js";
import { ExponentialBackoff, RetrySchedule, type ReconnectPolicy } from "./backoff.js";
import { assertTransition, type ConnectionState } from "./connection-state.js";
import { PendingRequests } from "./pending-requests.js";
import { PresenceState, type PresenceChange, type PresenceMessage, type UserInfo } from "./presence.js";
import { SignalingError } from "./signaling-error.js";
import {
  WEBSOCKET_OPEN,
  defaultSignalingUrl,
  globalWebSocket,
  type WebSocketConstructor,
  type WebSocketLike,
} from "./websocket-like.js";

/** A call message as received: the server has stamped the sender's real `name`. */
export type IncomingCallMessage = CallMessage & { name: string };

/** Any message the client sends; `ref` is added by `request()`. */
export type OutgoingMessage = { type: string; [key: string]: unknown };

/** A chat line, public or private, as the app shows it. */
export interface ChatEntry {
  /** Who wrote it (the server's stamp, or our own name for our private lines). */
  readonly from: string;
  readonly text: string;
  /** The server's timestamp (ms since epoch), or the sender's for article clients. */
  readonly date: number | string;
  /** The recipient of a private message; null for public chat. */
  readonly to: string | null;
}

export interface SignalingClientEvents {
  /** The connection state changed (see ConnectionState). */
  state: (state: ConnectionState, previous: ConnectionState) => void;
  /** The server's `welcome`, after every (re)connection: features, limits, ICE servers. */
  welcome: (welcome: WelcomeMessage) => void;
  /** The full user list after any change (the logged-in user is in it too). */
  users: (users: readonly UserInfo[]) => void;
  /** A user came online. */
  "user-joined": (user: UserInfo) => void;
  /** A user went offline. */
  "user-left": (name: string) => void;
  /** A user became busy (in a call) or available. */
  "user-status": (name: string, status: UserStatus) => void;
  /** A chat line: public (everyone's, ours included) or private (to us, or ours once acked). */
  chat: (entry: ChatEntry) => void;
  /** A call message from another user (`call-invite`, `video-offer`, `hang-up`, ...). */
  signal: (message: IncomingCallMessage) => void;
  /** The server gave us a different name than asked for (it was taken): at login or re-login. */
  renamed: (event: { requested: string; name: string }) => void;
  /** A server error no request is waiting for, or an invalid message from the server. Never thrown. */
  error: (error: SignalingError) => void;
}

export interface SignalingClientOptions {
  /** The signaling endpoint; default: the page's own origin, path `/ws`. */
  url: string;
  /** The WebSocket implementation; default: the global one. In Node pass `ws`'s `WebSocket`. */
  WebSocket: WebSocketConstructor;
  /** How to retry after the connection drops; `false` never reconnects. */
  reconnect: ReconnectPolicy | false;
  /** Deadline for a request's `ack`, counted from when it is actually sent. */
  requestTimeoutMs: number;
  /** Deadline for `hello` -> `welcome` (and the re-login) after a socket opens. */
  handshakeTimeoutMs: number;
  /** Messages kept while not connected; more are refused with "queue-full". */
  maxQueuedMessages: number;
}

export const DEFAULT_SIGNALING_OPTIONS = Object.freeze({
  requestTimeoutMs: 10_000,
  handshakeTimeoutMs: 10_000,
  maxQueuedMessages: 1000,
});

type Reply = AckMessage | WelcomeMessage;

interface Outgoing {
  message: OutgoingMessage;
  /** Present for requests: how to settle them. */
  request?: { ref: Ref; timeoutMs: number; resolve(reply: Reply): void; reject(error: SignalingError): void };
}

/**
 * The signaling connection: a WebSocket that reconnects by itself, speaks the modern protocol
 * (`hello`), keeps the user list, and turns `ref`/`ack`/`error` into promises. Nothing the
 * server sends is trusted before it passed the protocol's `ServerMessage` schema.
 *
 * After a reconnect it says `hello` again and logs in again under the same name, then sends
 * whatever was queued meanwhile. A request already sent when the connection dropped fails with
 * "connection-lost" (the server may have acted on it), never silently resent.
 */
export class SignalingClient {
  readonly url: string;
  readonly options: Readonly<SignalingClientOptions>;
  readonly #events = new TypedEmitter<SignalingClientEvents>();
  readonly #presence = new PresenceState();
  readonly #pending = new PendingRequests<Reply>();
  readonly #outbox: Outgoing[] = [];
  readonly #retry: RetrySchedule | null;
  #state: ConnectionState = "idle";
  #socket: WebSocketLike | null = null;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #nextRef = 0;
  #name: string | null = null;
  #sessionId: string | null = null;
  #welcome: WelcomeMessage | null = null;

  constructor(options: Partial<SignalingClientOptions> = {}) {
    const url = options.url ?? defaultSignalingUrl();
    if (url === undefined) throw new TypeError("SignalingClient: no `url` given and no page location to default to.");
    const protocol = new URL(url).protocol;
    if (protocol !== "ws:" && protocol !== "wss:") throw new TypeError(`SignalingClient: url must be ws: or wss:, got ${url}`);
    const WebSocket = options.WebSocket ?? globalWebSocket();
    if (!WebSocket) throw new TypeError("SignalingClient: no global WebSocket; pass the `WebSocket` option (e.g. from 'ws').");
    this.url = url;
    this.options = Object.freeze({
      ...DEFAULT_SIGNALING_OPTIONS,
      reconnect: new ExponentialBackoff(),
      ...stripUndefined(options),
      url,
      WebSocket,
    });
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
    return this.#name;
  }

  /** The server's id for the current socket (changes on every reconnect). */
  get sessionId(): string | null {
    return this.#sessionId;
  }

  /** The latest `welcome`: protocol features, limits and ICE servers. */
  get welcome(): WelcomeMessage | null {
    return this.#welcome;
  }

  /** Online users, ourselves included, in join order. */
  get users(): readonly UserInfo[] {
    return this.#presence.list();
  }

  user(name: string): UserInfo | undefined {
    return this.#presence.get(name);
  }

  /** Opens the connection (once); resolves when it is open, rejects if the client closes first. */
  connect(): Promise<void> {
    if (this.#state === "idle") {
      this.#transition("connecting");
      this.#openSocket();
    }
    return this.#whenOpen();
  }

  /**
   * Logs in (connecting first if needed). Resolves with the name the server gave, which differs
   * from `name` when that was taken (a `renamed` event says so too).
   */
  async login(name: string): Promise<string> {
    if (this.#state === "idle") void this.connect().catch(() => {});
    const ack = await this.#request({ type: "username", name }, this.options.requestTimeoutMs, false);
    const given = ack.type === "ack" && ack.name !== undefined ? ack.name : name;
    this.#name = given;
    if (given !== name) this.#events.emit("renamed", { requested: name, name: given });
    return given;
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
    this.#dispatch({ message }, false);
  }

  /** Public chat when `target` is absent; else private, shown to us as a `chat` event once acked. */
  async chat(text: string, target?: string): Promise<void> {
    await this.request(target === undefined ? { type: "message", text } : { type: "message", text, target });
    if (target !== undefined) {
      this.#events.emit("chat", { from: this.#name ?? "", text, date: Date.now(), to: target });
    }
  }

  /** Tells everyone whether we are busy (in a call). */
  async setStatus(status: UserStatus): Promise<void> {
    await this.request({ type: "set-status", status });
  }

  /** Stops everything: the socket, retries, pending and queued requests ("closed"). Final. */
  close(): void {
    if (this.#state === "closed") return;
    this.#shutdown(SignalingError.client("closed", "The client was closed."));
  }

  // --- sending --------------------------------------------------------------------------------

  #request(message: OutgoingMessage, timeoutMs: number, handshake: boolean): Promise<Reply> {
    return new Promise((resolve, reject) => {
      if (this.#state === "closed") {
        reject(SignalingError.client("closed", `Not sent (${message.type}): the client is closed.`));
        return;
      }
      const ref = `r${++this.#nextRef}`;
      this.#dispatch({ message: { ...message, ref }, request: { ref, timeoutMs, resolve, reject } }, handshake);
    });
  }

  /** Sends now when open (or for the handshake itself), else queues. */
  #dispatch(outgoing: Outgoing, handshake: boolean): void {
    if (handshake || this.#state === "open") {
      this.#transmit(outgoing);
      return;
    }
    if (this.#outbox.length >= this.options.maxQueuedMessages) {
      const error = SignalingError.client("queue-full", `Not sent (${outgoing.message.type}): the send queue is full.`);
      if (outgoing.request) outgoing.request.reject(error);
      else this.#events.emit("error", error);
      return;
    }
    this.#outbox.push(outgoing);
  }

  #transmit({ message, request }: Outgoing): void {
    const socket = this.#socket;
    if (request) this.#pending.add(request.ref, request.timeoutMs, request.resolve, request.reject);
    try {
      if (!socket || socket.readyState !== WEBSOCKET_OPEN) throw new Error("socket not open");
      socket.send(JSON.stringify(message));
    } catch (cause) {
      const error = SignalingError.client("connection-lost", `Not sent (${message.type}): the connection is down.`, request?.ref, cause);
      if (request) this.#pending.reject(request.ref, error);
      else this.#events.emit("error", error);
    }
  }

  #flushOutbox(): void {
    // Sending can drop the socket (and re-queue nothing): take the queue first.
    const queued = this.#outbox.splice(0);
    for (const outgoing of queued) this.#transmit(outgoing);
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
    this.#socket = socket;
    socket.onopen = () => {
      if (this.#socket === socket) void this.#handshake(socket);
    };
    socket.onmessage = (event) => {
      if (this.#socket === socket) this.#receive(event.data);
    };
    socket.onerror = () => {}; // `close` follows and carries the decision.
    socket.onclose = () => {
      if (this.#socket === socket) this.#socketLost();
    };
  }

  /** `hello`, then (after a reconnect) the same login again; only then is the client "open". */
  async #handshake(socket: WebSocketLike): Promise<void> {
    const timeoutMs = this.options.handshakeTimeoutMs;
    try {
      const welcome = await this.#request({ type: "hello", protocol: PROTOCOL_VERSION }, timeoutMs, true);
      if (this.#socket !== socket || welcome.type !== "welcome") return;
      this.#welcome = welcome;
      this.#events.emit("welcome", welcome);
      const name = this.#name;
      if (name !== null) {
        const ack = await this.#request({ type: "username", name }, timeoutMs, true);
        if (this.#socket !== socket) return;
        const given = ack.type === "ack" && ack.name !== undefined ? ack.name : name;
        this.#name = given;
        if (given !== name) this.#events.emit("renamed", { requested: name, name: given });
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
    this.#flushOutbox();
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
    this.#socket = null;
    if (socket) {
      detach(socket);
      closeQuietly(socket);
    }
    this.#pending.rejectAll((ref) =>
      SignalingError.client("connection-lost", "The connection dropped before the server answered.", ref),
    );
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
    clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
    const socket = this.#socket;
    this.#socket = null;
    if (socket) {
      detach(socket);
      closeQuietly(socket);
    }
    const withRef = (ref?: Ref) => new SignalingError(reason.source, reason.code, reason.message, ref);
    this.#pending.rejectAll(withRef);
    for (const { request } of this.#outbox.splice(0)) request?.reject(withRef(request.ref));
    this.#transition("closed");
    this.#emitPresence(this.#presence.clear());
  }

  #transition(to: ConnectionState): void {
    const from = this.#state;
    assertTransition(from, to);
    this.#state = to;
    this.#events.emit("state", to, from);
  }

  #whenOpen(): Promise<void> {
    if (this.#state === "open") return Promise.resolve();
    if (this.#state === "closed") return Promise.reject(SignalingError.client("closed", "The client is closed."));
    return new Promise((resolve, reject) => {
      const dispose = this.#events.on("state", (state) => {
        if (state === "open") resolve();
        else if (state === "closed") reject(SignalingError.client("closed", "The client closed before connecting."));
        else return;
        dispose();
      });
    });
  }

  // --- receiving ------------------------------------------------------------------------------

  #receive(data: unknown): void {
    let json: unknown;
    try {
      if (typeof data !== "string") throw new TypeError("not a text frame");
      json = JSON.parse(data);
    } catch (cause) {
      this.#invalid("The server sent a frame that is not JSON text.", cause);
      return;
    }
    const parsed = ServerMessage.safeParse(json);
    if (!parsed.success) {
      const type = (json as { type?: unknown } | null)?.type;
      this.#invalid(`The server sent an invalid message (type ${JSON.stringify(type)}).`, parsed.error);
      return;
    }
    this.#handle(parsed.data);
  }

  /** One handler per message type; the switch is exhaustive over ServerMessage. */
  #handle(message: ServerMessage): void {
    switch (message.type) {
      case "id":
        this.#sessionId = message.id;
        return;
      case "welcome":
      case "ack":
        if (message.ref !== undefined) this.#pending.resolve(message.ref, message);
        return;
      case "error": {
        const error = new SignalingError("server", message.code, message.message, message.ref);
        if (message.ref === undefined || !this.#pending.reject(message.ref, error)) this.#events.emit("error", error);
        return;
      }
      case "rejectusername":
        return; // The login's `ack` carries the final name; `renamed` is emitted from there.
      case "userlist":
      case "user-joined":
      case "user-left":
      case "user-status":
        this.#emitPresence(this.#presence.apply(message as PresenceMessage));
        return;
      case "message":
        this.#events.emit("chat", { from: message.name, text: message.text, date: message.date, to: message.target ?? null });
        return;
      case "call-invite":
      case "call-accept":
      case "call-decline":
      case "call-cancel":
      case "video-offer":
      case "video-answer":
      case "new-ice-candidate":
      case "hang-up":
        if (typeof message.name !== "string") {
          this.#invalid(`A relayed "${message.type}" has no sender name.`);
          return;
        }
        this.#events.emit("signal", message as IncomingCallMessage);
        return;
      default: {
        const unreachable: never = message;
        this.#invalid(`Unhandled message ${JSON.stringify(unreachable)}`);
      }
    }
  }

  #emitPresence(changes: PresenceChange[]): void {
    if (changes.length === 0) return;
    for (const change of changes) {
      if (change.kind === "joined") this.#events.emit("user-joined", change.user);
      else if (change.kind === "left") this.#events.emit("user-left", change.name);
      else this.#events.emit("user-status", change.name, change.status);
    }
    this.#events.emit("users", this.#presence.list());
  }

  #invalid(message: string, cause?: unknown): void {
    this.#events.emit("error", SignalingError.client("invalid-server-message", message, undefined, cause));
  }
}

function detach(socket: WebSocketLike): void {
  socket.onopen = socket.onmessage = socket.onclose = null;
  // Not null: closing a socket that is still connecting makes `ws` emit an error, which would
  // be thrown if no one listened.
  socket.onerror = () => {};
}

function closeQuietly(socket: WebSocketLike): void {
  try {
    socket.close(1000);
  } catch {
    // Closing a socket that never opened can throw in some implementations; it is gone anyway.
  }
}

function stripUndefined<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as Partial<T>;
}
