import { randomUUID } from "node:crypto";
import {
  CALL_MESSAGE_TYPES,
  CallMessage,
  ChatMessage,
  CLOSE_CODES,
  GroupJoinMessage,
  GroupLeaveMessage,
  HelloMessage,
  JoinRoomMessage,
  LOBBY_ROOM,
  PingMessage,
  PROTOCOL_VERSION,
  Ref,
  SetStatusMessage,
  UsernameMessage,
  errorMessage,
  type ErrorCode,
  type WelcomeMessage,
} from "@switchboard/protocol";
import type { Config } from "../config.js";
import type { Hub } from "../hub/hub.js";
import { checkedRoomName } from "../hub/room-name.js";
import type { Peer } from "../hub/peer.js";
import { decodeFrame, type DecodedMessage } from "../wire/codec.js";
import { validate } from "../wire/validate.js";
import type { Frame } from "../wire/frame.js";
import { encodeMessage } from "../wire/outgoing.js";
import { ProtocolError } from "../wire/protocol-error.js";
import { MessageRate } from "../limits/message-rate.js";
import type { Logger } from "../logger.js";
import type { IceServerProvider } from "../ice/ice-servers.js";
import type { Metrics } from "../metrics.js";
import { Outbox, type SessionTransport } from "./outbox.js";
import type { HandedOverSession, ResumeOutcome } from "./handover.js";
import { newResumeToken } from "./resume-token.js";
import { WaitingMessages } from "./waiting-messages.js";

/** The socket, as far as a session needs it. */
export interface Connection extends SessionTransport {
  readonly remoteAddress: string;
  /** The session its messages go to (another one once this one's `hello` resumed it). */
  readonly session?: Session;
  close(code: number, reason: string): void;
}

export interface SessionContext {
  hub: Hub;
  logger: Logger;
  metrics: Metrics;
  config: Pick<Config, "maxMessageBytes" | "maxNestingDepth" | "rateLimitPerSecond" | "rateLimitBurst" | "resumeBufferBytes">;
  /** The `welcome` for a session, minus what the session fills in. */
  welcome(session: Session): Omit<WelcomeMessage, "ref" | "resumeToken" | "resumed">;
  /** A session that can be resumed from now on. */
  registerResumable(session: Session): void;
  /**
   * Moves the session of `token` onto `connection` ("resumed"), or says how this one starts
   * instead: "fresh", or in the place of a session whose node is gone (`replaces`).
   */
  resume(token: string, received: number, connection: Connection, ref?: Ref): ResumeOutcome | Promise<ResumeOutcome>;
  /** Counts a login from `address` against its per-minute allowance. */
  allowLogin(address: string): boolean;
  /** A detached session got more than it may keep: it can no longer resume. */
  overflowed(session: Session): void;
  iceServers: IceServerProvider;
}

/** One string for every plain `pong`: an idle session's outbox keeps its last one. */
const PONG = encodeMessage({ type: "pong" });

/** Types accepted before login. */
const PRE_LOGIN_TYPES = new Set(["hello", "join-room", "username", "ping"]);

/**
 * One user's session: turns frames into hub calls for one identity, and hub failures into
 * `error` messages. It usually lives as long as its connection; a modern session can outlive a
 * dropped one and be resumed on the next. Nothing a client sends escapes as an exception.
 */
export class Session implements Peer {
  readonly id: string;
  name: string | null = null;
  modern = false;
  resumeToken: string | null = null;
  readonly outbox: Outbox;
  #connection: Connection;
  readonly #rate: MessageRate;
  /** Closed for abuse: what is still in flight from it is ignored. */
  #cutOff = false;
  /** The room to log into (checked, NFC); once logged in, the hub knows the room. */
  #requestedRoom = LOBBY_ROOM;
  /** The name asked for at login: a room switch asks for it again in the new room. */
  #requestedName: unknown;
  /** Sends fresh TURN credentials before the current ones expire. */
  #iceRenewal: ReturnType<typeof setInterval> | undefined;
  /** A session of a gone node this one takes the place of, at login (see `ResumeOutcome`). */
  #replaces: { session: string; name: string } | undefined;
  readonly #waiting = new WaitingMessages();
  #ended = false;

  /** `handedOver`: a logged-in session from another node, which `connection`'s client resumes here (see `attach`). */
  constructor(
    connection: Connection,
    private readonly context: SessionContext,
    handedOver?: { state: HandedOverSession; frames: readonly Uint8Array[] },
  ) {
    this.#connection = connection;
    this.outbox = new Outbox(connection, context.config.resumeBufferBytes);
    this.#rate = new MessageRate(context.config.rateLimitPerSecond, context.config.rateLimitBurst);
    if (!handedOver) {
      this.id = randomUUID();
      this.send(encodeMessage({ type: "id", id: this.id }));
      return;
    }
    const { state, frames } = handedOver;
    this.id = state.id;
    this.name = state.name;
    this.modern = true;
    this.#requestedName = state.requestedName;
    this.#requestedRoom = state.requestedRoom;
    this.outbox.restoreKept(state.sent, frames);
  }

  /** What another node needs to go on with this session (its client resumed there); it is over here. */
  handOver(busy: boolean, partners: string[]): { state: HandedOverSession; frames: Uint8Array[] } {
    this.#ended = true;
    this.#waiting.clear();
    clearInterval(this.#iceRenewal);
    const { sent, frames } = this.outbox.exportKept();
    this.outbox.detach();
    const requestedName = typeof this.#requestedName === "string" ? this.#requestedName : this.name!;
    const state = { id: this.id, name: this.name!, room: this.room, requestedName, requestedRoom: this.#requestedRoom, busy, partners, sent };
    return { state, frames };
  }

  /** A handed-over session is attached here: its TURN credentials renew from now on. */
  adopted(): void {
    this.#startIceRenewal();
  }

  /** The room this session is in (or will log into), as the server spells it. */
  get room(): string {
    return this.context.hub.roomOf(this) ?? this.context.hub.spellingOf(this.#requestedRoom);
  }

  /** Logged in and said hello: worth keeping when the connection drops. */
  get resumable(): boolean {
    return this.resumeToken !== null && this.name !== null;
  }

  send(frame: Frame, shared = false): void {
    this.outbox.send(frame, shared);
    if (this.outbox.overflowed) this.context.overflowed(this);
    if (this.context.metrics.relayLatency.timing) this.context.metrics.relayLatency.sent(this.outbox.attached);
  }

  /** Something this user sent earlier failed once the hub had taken it (see `Peer.refused`). */
  refused(code: ErrorCode, detail: string, ref?: Ref): void {
    this.#reportError(code, detail, ref);
  }

  /** One incoming WebSocket message. */
  receive(data: Buffer, isBinary: boolean): void {
    const { metrics, config } = this.context;
    if (this.#cutOff || this.#ended) return;
    metrics.messagesReceived++;
    // Before any parsing: a flood costs as little as possible.
    const verdict = this.#rate.check(Date.now());
    if (verdict !== "accept") {
      metrics.rateLimited++;
      if (verdict === "drop-and-report") this.#reportError("rate-limited");
      if (verdict === "cut") {
        this.#cutOff = true;
        metrics.rateLimitAbusersCut++;
        this.#connection.close(CLOSE_CODES.rateLimitAbuse, "message rate far above the limit");
      }
      return;
    }
    if (!this.#waiting.holding) return this.#handle(data, isBinary);
    if (this.#waiting.add(data, isBinary)) return;
    metrics.rateLimited++;
    this.#reportError("rate-limited", "Too many messages while the one before them waits for the server.");
  }

  #handle(data: Buffer, isBinary: boolean): void {
    const { metrics, config } = this.context;
    if (isBinary) return this.#reportError("binary-frame");
    if (data.length > config.maxMessageBytes) {
      metrics.framesTooLarge++;
      return this.#reportError("frame-too-large", `${data.length} bytes; the limit is ${config.maxMessageBytes}.`);
    }
    const text = data.toString("utf8");
    const decoded = decodeFrame(text, config.maxNestingDepth);
    if (!decoded.ok) return this.#reportError(decoded.code, undefined, decoded.ref);

    const message = decoded.message;
    // Most messages have no ref: skip the schema then (a failed zod parse allocates an error).
    const ref = message.ref === undefined ? undefined : Ref.safeParse(message.ref).data;
    try {
      const pending = this.#dispatch(message, ref, data);
      if (pending) this.#waitFor(pending, ref, message.type);
    } catch (error) {
      this.#failed(error, ref, message.type);
    }
  }

  /** Holds what arrives until `pending` settles, then handles it in order. */
  #waitFor(pending: Promise<void>, ref: Ref | undefined, type: string): void {
    const settled = pending.catch((error: unknown) => this.#failed(error, ref, type));
    this.#waiting.holdUntil(settled, (data, isBinary) => {
      // What came after a `hello` that resumed another session is that session's.
      const successor = this.#connection.session;
      if (successor !== undefined && successor !== this) successor.receive(data, isBinary);
      else this.#handle(data, isBinary);
    });
  }

  #failed(error: unknown, ref: Ref | undefined, type: string): void {
    if (this.#ended) return;
    if (error instanceof ProtocolError) return this.#reportError(error.code, error.detail, ref);
    this.context.logger.error({ err: error, session: this.id, type }, "message handler failed");
    this.#reportError("internal-error", undefined, ref);
  }

  /** Takes over `connection` after a drop; false if messages it missed were already forgotten. */
  attach(connection: Connection, received: number, ref?: Ref): boolean {
    // The welcome answers the resuming `hello`: it carries that request's ref, like any answer.
    const welcome = { ...this.context.welcome(this), resumeToken: this.resumeToken!, resumed: true, ...(ref === undefined ? {} : { ref }) };
    if (!this.outbox.attach(connection, received, encodeMessage(welcome))) return false;
    this.#connection = connection;
    return true;
  }

  /** The user is gone for good. */
  end(): void {
    this.#ended = true;
    this.#waiting.clear();
    this.#logout();
  }

  #logout(): void {
    clearInterval(this.#iceRenewal);
    this.context.hub.logout(this);
  }

  /** Handles one message; a promise when it waits for the store (acknowledged once it is done). */
  #dispatch(message: DecodedMessage, ref: Ref | undefined, data: Buffer): Promise<void> | undefined {
    const { hub } = this.context;
    if (this.name === null && !PRE_LOGIN_TYPES.has(message.type)) throw new ProtocolError("not-logged-in");
    switch (message.type) {
      case "hello":
        return this.#hello(validate(HelloMessage, message), ref);
      case "username":
        return this.context.metrics.loginDuration.time(() => this.#login(validate(UsernameMessage, message), ref));
      case "join-room":
        return this.#joinRoom(validate(JoinRoomMessage, message), ref);
      case "ping":
        this.#ping(validate(PingMessage, message), ref);
        return undefined;
      case "message":
        return this.#acknowledged(hub.chat(this, validate(ChatMessage, message), ref), ref);
      case "set-status":
        hub.setStatus(this, validate(SetStatusMessage, message).status);
        break;
      case "group-join":
        validate(GroupJoinMessage, message);
        return this.#acknowledged(hub.groupJoin(this), ref);
      case "group-leave":
        validate(GroupLeaveMessage, message);
        return this.#acknowledged(hub.groupLeave(this), ref);
      case "call-metrics":
        this.context.metrics.callSetup.report(this, message);
        break;
      default:
        // Call messages reach the call partner's SDK, or the article's client: they must be well-formed.
        if (CALL_MESSAGE_TYPES.has(message.type)) validate(CallMessage, message);
        this.context.metrics.relayLatency.relay(hub, this, message, data, ref);
    }
    this.#acknowledge(ref);
    return undefined;
  }

  async #acknowledged(done: Promise<void>, ref: Ref | undefined): Promise<void> {
    await done;
    this.#acknowledge(ref);
  }

  #hello(hello: HelloMessage, ref: Ref | undefined): Promise<void> | undefined {
    if (this.name !== null) throw new ProtocolError("hello-after-login");
    if (hello.protocol !== PROTOCOL_VERSION) {
      throw new ProtocolError("unsupported-protocol", `Asked for ${hello.protocol}; this server speaks ${PROTOCOL_VERSION}.`);
    }
    const room = hello.room === undefined ? undefined : checkedRoomName(hello.room).name;
    // One resume per connection: each try elsewhere costs the store a lookup.
    if (!hello.resume || this.resumeToken !== null) return this.#welcome(room, ref);
    const outcome = this.context.resume(hello.resume, hello.received ?? 0, this.#connection, ref);
    if (!(outcome instanceof Promise)) return this.#resumeOr(outcome, room, ref);
    return outcome.then((settled) => this.#resumeOr(settled, room, ref));
  }

  /** On "resumed" this connection now belongs to the resumed session; this one is dropped unused. */
  #resumeOr(outcome: ResumeOutcome, room: string | undefined, ref: Ref | undefined): undefined {
    if (this.#ended) return undefined;
    // This connection belongs to the resumed session now; this one, never logged in, is dropped.
    if (outcome === "resumed") return void (this.#ended = true);
    if (outcome === "fresh") return this.#welcome(room, ref);
    // Its node is gone: a fresh session, which gets the old one's name back at login.
    this.#replaces = { session: outcome.replaces.session, name: outcome.replaces.name };
    return this.#welcome(outcome.replaces.room, ref);
  }

  #welcome(room: string | undefined, ref: Ref | undefined): undefined {
    this.modern = true;
    if (room !== undefined) this.#requestedRoom = room;
    this.resumeToken ??= newResumeToken();
    const welcome = { ...this.context.welcome(this), resumeToken: this.resumeToken, resumed: false };
    this.send(encodeMessage(ref === undefined ? welcome : { ...welcome, ref }));
    this.outbox.startNumbering();
    return undefined;
  }

  async #login(message: UsernameMessage, ref: Ref | undefined): Promise<void> {
    if (this.name !== null) throw new ProtocolError("already-logged-in", `You are "${this.name}".`);
    if (!this.context.allowLogin(this.#connection.remoteAddress)) {
      this.context.metrics.loginsRefused++;
      throw new ProtocolError("too-many-logins");
    }
    const replaces = this.#replaces;
    this.#replaces = undefined;
    try {
      await this.context.hub.login(this, message.name, this.#requestedRoom, (name) => (this.name = name), replaces);
    } catch (error) {
      this.name = null;
      throw error;
    }
    this.#requestedName = message.name;
    try {
      this.#acknowledge(ref, { name: this.name! });
      this.#startIceRenewal();
    } catch (error) {
      // All or nothing: a login that fails half-way leaves no name taken.
      this.#logout();
      this.name = null;
      throw error;
    }
    // Last: only a complete login can be resumed.
    if (this.modern) this.context.registerResumable(this);
    this.context.logger.debug({ session: this.id, name: this.name }, "logged in");
  }

  /**
   * Before login: chooses the room to log into. After: moves to it (see `Hub.switchRoom`), acked
   * with the name and room before the new room's presence, history and group call.
   */
  async #joinRoom(message: JoinRoomMessage, ref: Ref | undefined): Promise<void> {
    const room = checkedRoomName(message.room).name;
    if (this.name === null) {
      this.#requestedRoom = room;
      return this.#acknowledge(ref, { room: this.room });
    }
    try {
      await this.context.hub.switchRoom(this, this.#requestedName, room, (name, spelling) => {
        this.name = name;
        this.#acknowledge(ref, { name, room: spelling });
      });
    } catch (error) {
      // Out of the old room and not in the new one: logged out, as after a failed login.
      this.#logout();
      this.name = null;
      throw error;
    }
    this.#requestedRoom = room;
    // Its resume record names the room it is in.
    if (this.modern) this.context.registerResumable(this);
    this.context.logger.debug({ session: this.id, name: this.name, room: this.room }, "switched room");
  }

  /** With a TURN secret, a modern user gets its own credentials now and before each expiry. */
  #startIceRenewal(): void {
    const { iceServers } = this.context;
    if (!this.modern || !iceServers.issuesCredentials) return;
    const send = () => this.send(encodeMessage({ type: "ice-servers", ...iceServers.forUser(this.name!) }));
    send();
    this.#iceRenewal = setInterval(send, iceServers.renewalDelayMs());
    this.#iceRenewal.unref();
  }

  #ping(ping: PingMessage, ref: Ref | undefined): void {
    if (ping.received !== undefined) this.outbox.confirm(ping.received);
    this.send(ref === undefined ? PONG : encodeMessage({ type: "pong", ref }));
  }

  /** Modern clients learn that a request with a `ref` succeeded. */
  #acknowledge(ref: Ref | undefined, result?: { name?: string; room?: string }): void {
    if (this.modern && ref !== undefined) this.send(encodeMessage({ type: "ack", ref, ...result }));
  }

  #reportError(code: ErrorCode, detail?: string, ref?: unknown): void {
    this.context.metrics.countError(code);
    this.context.logger.debug({ session: this.id, code, detail }, "client error");
    this.send(encodeMessage(errorMessage(code, detail, Ref.safeParse(ref).data)));
  }
}
