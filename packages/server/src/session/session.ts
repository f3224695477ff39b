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
import type { z } from "zod";
import type { Config } from "../config.js";
import type { Hub } from "../hub/hub.js";
import { checkedRoomName } from "../hub/room-name.js";
import type { Peer } from "../hub/peer.js";
import { decodeFrame, type DecodedMessage } from "../wire/codec.js";
import type { Frame } from "../wire/frame.js";
import { encodeMessage } from "../wire/outgoing.js";
import { ProtocolError } from "../wire/protocol-error.js";
import { MessageRate } from "../limits/message-rate.js";
import type { Logger } from "../logger.js";
import type { IceServerProvider } from "../ice/ice-servers.js";
import type { Metrics } from "../metrics.js";
import { Outbox, type SessionTransport } from "./outbox.js";
import { newResumeToken } from "./resume-token.js";

/** The socket, as far as a session needs it. */
export interface Connection extends SessionTransport {
  readonly remoteAddress: string;
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
  /** Moves the session of `token` onto `connection`; false when there is none to resume. */
  resume(token: string, received: number, connection: Connection, ref?: Ref): boolean;
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
  readonly id = randomUUID();
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

  constructor(
    connection: Connection,
    private readonly context: SessionContext,
  ) {
    this.#connection = connection;
    this.outbox = new Outbox(connection, context.config.resumeBufferBytes);
    this.#rate = new MessageRate(context.config.rateLimitPerSecond, context.config.rateLimitBurst);
    this.send(encodeMessage({ type: "id", id: this.id }));
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
  }

  /** One incoming WebSocket message. */
  receive(data: Buffer, isBinary: boolean): void {
    const { metrics, config } = this.context;
    if (this.#cutOff) return;
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
      this.#dispatch(message, ref, data);
    } catch (error) {
      if (error instanceof ProtocolError) return this.#reportError(error.code, error.detail, ref);
      this.context.logger.error({ err: error, session: this.id, type: message.type }, "message handler failed");
      this.#reportError("internal-error", undefined, ref);
    }
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
    clearInterval(this.#iceRenewal);
    this.context.hub.logout(this);
  }

  #dispatch(message: DecodedMessage, ref: Ref | undefined, data: Buffer): void {
    const { hub } = this.context;
    if (this.name === null && !PRE_LOGIN_TYPES.has(message.type)) throw new ProtocolError("not-logged-in");
    switch (message.type) {
      case "hello":
        return this.#hello(validate(HelloMessage, message), ref);
      case "username":
        return this.#login(validate(UsernameMessage, message), ref);
      case "join-room":
        return this.#joinRoom(validate(JoinRoomMessage, message), ref);
      case "ping":
        return this.#ping(validate(PingMessage, message), ref);
      case "message":
        hub.chat(this, validate(ChatMessage, message));
        break;
      case "set-status":
        hub.setStatus(this, validate(SetStatusMessage, message).status);
        break;
      case "group-join":
        validate(GroupJoinMessage, message);
        hub.groupJoin(this);
        break;
      case "group-leave":
        validate(GroupLeaveMessage, message);
        hub.groupLeave(this);
        break;
      default:
        // Call messages reach the call partner's SDK, or the article's client: they must be well-formed.
        if (CALL_MESSAGE_TYPES.has(message.type)) validate(CallMessage, message);
        hub.relay(this, message, data);
    }
    this.#acknowledge(ref);
  }

  #hello(hello: HelloMessage, ref: Ref | undefined): void {
    if (this.name !== null) throw new ProtocolError("hello-after-login");
    if (hello.protocol !== PROTOCOL_VERSION) {
      throw new ProtocolError("unsupported-protocol", `Asked for ${hello.protocol}; this server speaks ${PROTOCOL_VERSION}.`);
    }
    const room = hello.room === undefined ? undefined : checkedRoomName(hello.room).name;
    // On success this connection now belongs to the resumed session, in its own room; this one is dropped unused.
    if (hello.resume && this.context.resume(hello.resume, hello.received ?? 0, this.#connection, ref)) return;
    this.modern = true;
    if (room !== undefined) this.#requestedRoom = room;
    this.resumeToken ??= newResumeToken();
    const welcome = { ...this.context.welcome(this), resumeToken: this.resumeToken, resumed: false };
    this.send(encodeMessage(ref === undefined ? welcome : { ...welcome, ref }));
    this.outbox.startNumbering();
  }

  #login(message: UsernameMessage, ref: Ref | undefined): void {
    if (this.name !== null) throw new ProtocolError("already-logged-in", `You are "${this.name}".`);
    if (!this.context.allowLogin(this.#connection.remoteAddress)) {
      this.context.metrics.loginsRefused++;
      throw new ProtocolError("too-many-logins");
    }
    this.name = this.context.hub.login(this, message.name, this.#requestedRoom);
    this.#requestedName = message.name;
    try {
      this.#acknowledge(ref, { name: this.name });
      this.#startIceRenewal();
    } catch (error) {
      // All or nothing: a login that fails half-way leaves no name taken.
      this.end();
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
  #joinRoom(message: JoinRoomMessage, ref: Ref | undefined): void {
    const room = checkedRoomName(message.room).name;
    if (this.name === null) {
      this.#requestedRoom = room;
      return this.#acknowledge(ref, { room: this.room });
    }
    try {
      this.name = this.context.hub.switchRoom(this, this.#requestedName, room, (name, spelling) =>
        this.#acknowledge(ref, { name, room: spelling }),
      );
    } catch (error) {
      // Out of the old room and not in the new one: logged out, as after a failed login.
      this.end();
      this.name = null;
      throw error;
    }
    this.#requestedRoom = room;
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

function validate<Schema extends z.ZodType>(schema: Schema, message: unknown): z.output<Schema> {
  const result = schema.safeParse(message);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const where = issue.path.length > 0 ? `"${issue.path.join(".")}": ` : "";
  throw new ProtocolError("invalid-message", `${where}${issue.message}`);
}
