import { CLOSE_CODES } from "@switchboard/protocol";
import type { TypedEmitter } from "../typed-emitter.js";
import { RetrySchedule } from "./backoff.js";
import type { BusyHolds } from "./busy-holds.js";
import { assertTransition, type ConnectionState } from "./connection-state.js";
import { Heartbeat } from "./heartbeat.js";
import type { Inbound } from "./inbound.js";
import type { Outbound, Reply } from "./outbound.js";
import type { RoomView } from "./room-view.js";
import { endError, endForClose, isSignInRefusal, type SessionEnd } from "./session-end.js";
import type { SessionMemory } from "./session-memory.js";
import type { SignIn } from "./sign-in.js";
import { SignalingError } from "./signaling-error.js";
import type { OutgoingMessage, SignalingClientEvents, SignalingClientOptions } from "./signaling-types.js";
import { closeQuietly, detach, type WebSocketLike } from "./websocket-like.js";

/** The parts of a SignalingClient its connection drives. */
export interface ConnectionParts {
  readonly options: Readonly<SignalingClientOptions>;
  readonly events: TypedEmitter<SignalingClientEvents>;
  readonly session: SessionMemory;
  readonly view: RoomView;
  readonly out: Outbound;
  readonly inbound: Inbound;
  readonly signIn: SignIn;
  readonly busy: BusyHolds;
}

/**
 * The signaling connection's life (see ConnectionState): opens the socket, says `hello` (with
 * the sign-in token and the room's password), logs in again after a fresh session, reconnects
 * with backoff when the socket drops, and stops for good when the server ends the session
 * (SessionEnd: removed, signed out, sign-in refused, replaced) or the client is closed.
 */
export class Connection {
  #state: ConnectionState = "idle";
  #socket: WebSocketLike | null = null;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #end: SessionEnd | null = null;
  readonly #retry: RetrySchedule | null;
  readonly #heartbeat: Heartbeat;

  constructor(private readonly parts: ConnectionParts) {
    this.#retry = parts.options.reconnect ? new RetrySchedule(parts.options.reconnect) : null;
    this.#heartbeat = new Heartbeat({
      ping: () => parts.out.send({ type: "ping", received: parts.session.received }, true),
      dead: () => this.#dropSocket(),
    });
  }

  get state(): ConnectionState {
    return this.#state;
  }

  /** Why the server ended the session for good; null while it has not. */
  get end(): SessionEnd | null {
    return this.#end;
  }

  /** Opens the first socket (once). */
  start(): void {
    if (this.#state !== "idle") return;
    this.#transition("connecting");
    this.#openSocket();
  }

  /** Requests go out now when open (or when they are the handshake itself), else queue. */
  request(message: OutgoingMessage, timeoutMs: number, handshake = false): Promise<Reply> {
    if (this.#state === "closed") return Promise.reject(this.#closedError(message));
    return this.parts.out.request(message, timeoutMs, handshake || this.#state === "open");
  }

  send(message: OutgoingMessage): void {
    if (this.#state === "closed") return this.parts.events.emit("error", this.#closedError(message));
    this.parts.out.send(message, this.#state === "open");
  }

  /** The login's ack carries the name the server gave, which may differ from the one asked for. */
  adoptName(ack: Reply, requested: string): string {
    const given = ack.type === "ack" && ack.name !== undefined ? ack.name : requested;
    this.parts.session.name = given;
    if (given !== requested) this.parts.events.emit("renamed", { requested, name: given });
    return given;
  }

  /** Stops everything: the socket, retries, pending and queued requests (failing with `reason`). Final. */
  close(reason: SignalingError): void {
    if (this.#state === "closed") return;
    this.#heartbeat.stop();
    this.parts.signIn.stop();
    clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
    const socket = this.#socket;
    this.#socket = this.parts.out.socket = null;
    if (socket) {
      detach(socket);
      closeQuietly(socket, CLOSE_CODES.normalClosure);
    }
    this.parts.out.failAll(reason);
    this.#transition("closed");
    this.parts.view.clear();
  }

  #closedError(message: OutgoingMessage): SignalingError {
    return SignalingError.client("closed", `Not sent (${message.type}): the client is closed.`);
  }

  #openSocket(): void {
    const { options, events } = this.parts;
    let socket: WebSocketLike;
    try {
      socket = new options.WebSocket(options.url);
    } catch (cause) {
      events.emit("error", SignalingError.client("connection-lost", `Cannot open ${options.url}.`, undefined, cause));
      this.#scheduleRetry();
      return;
    }
    this.#socket = this.parts.out.socket = socket;
    socket.onopen = () => {
      if (this.#socket === socket) void this.#handshake(socket);
    };
    socket.onmessage = (event) => {
      if (this.#socket !== socket) return;
      this.#heartbeat.activity();
      this.parts.inbound.receive(event.data);
    };
    socket.onerror = () => {}; // `close` follows and carries the decision.
    socket.onclose = (event) => {
      if (this.#socket !== socket) return;
      // Removed, signed out, or someone else resumed our session: reconnecting would not undo it.
      const end = endForClose(event.code, event.reason, this.parts.view.room, this.parts.session.removal);
      if (end === null) return this.#socketLost();
      if (end.kind === "session-replaced") events.emit("error", endError(end));
      this.#ended(end);
    };
  }

  /** `hello`, then (after a reconnect) the same login again; only then is the client "open". */
  async #handshake(socket: WebSocketLike): Promise<void> {
    const { options, session, signIn, events } = this.parts;
    const timeoutMs = options.handshakeTimeoutMs;
    try {
      const room = this.parts.view.room ?? options.room ?? null;
      // Awaited only when it is a promise: a `hello` without one goes out at once.
      const pending = signIn.token("hello");
      const token = pending instanceof Promise ? await pending : pending;
      if (this.#socket !== socket) return;
      const welcome = await this.request(session.hello(room, token), timeoutMs, true);
      if (this.#socket !== socket || welcome.type !== "welcome") return;
      session.welcomed(welcome);
      signIn.welcomed(welcome);
      const heartbeatMs = welcome.limits.heartbeatIntervalMs;
      if (heartbeatMs !== undefined && heartbeatMs > 0) this.#heartbeat.start(heartbeatMs);
      events.emit("welcome", welcome);
      const name = session.name;
      if (name !== null && welcome.resumed !== true) {
        const ack = await this.request({ type: "username", name }, timeoutMs, true);
        if (this.#socket !== socket) return;
        this.adoptName(ack, name);
        this.parts.busy.freshSession(); // Queued: goes out right after the login.
      }
    } catch (error) {
      if (this.#socket !== socket) return; // The socket dropped; #socketLost already acted.
      const failure = error instanceof SignalingError ? error : SignalingError.client("connection-lost", String(error));
      events.emit("error", failure);
      // A server that does not speak our protocol will not learn it by retrying, nor take a refused sign-in.
      if (failure.code === "unsupported-protocol") this.close(failure);
      else if (isSignInRefusal(failure)) this.#ended({ kind: "sign-in-refused", error: failure });
      else this.#dropSocket();
      return;
    }
    this.#transition("open");
    this.#retry?.reset();
    this.parts.out.flush();
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
    this.#socket = this.parts.out.socket = null;
    this.#heartbeat.stop();
    this.parts.signIn.stop();
    this.parts.session.stopCounting();
    if (socket) {
      detach(socket);
      // Still open when the heartbeat or the handshake gave up on it: we will be back at once.
      closeQuietly(socket, CLOSE_CODES.reconnecting);
    }
    this.parts.out.failInFlight();
    if (this.#state === "closed") return;
    this.#scheduleRetry();
  }

  #scheduleRetry(): void {
    const delay = this.#retry?.next() ?? null;
    if (delay === null) {
      this.close(SignalingError.client("closed", "The connection is lost and reconnecting gave up."));
      return;
    }
    if (this.#state !== "reconnecting") this.#transition("reconnecting");
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = undefined;
      this.#openSocket();
    }, delay);
  }

  /** The server ended us for good: say why, then close. */
  #ended(end: SessionEnd): void {
    this.#end = end;
    this.parts.events.emit("ended", end);
    this.close(endError(end));
  }

  #transition(to: ConnectionState): void {
    const from = this.#state;
    assertTransition(from, to);
    this.#state = to;
    this.parts.events.emit("state", to, from);
  }
}
