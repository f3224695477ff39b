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
  ModerateMessage,
  PingMessage,
  PROTOCOL_VERSION,
  Ref,
  RenewTokenMessage,
  SetStatusMessage,
  UsernameMessage,
  errorMessage,
  type ErrorCode,
  type Identity,
} from "@switchboard/protocol";
import { checkedRoomName } from "../hub/room-name.js";
import type { Peer } from "../hub/peer.js";
import type { DecodedMessage } from "../wire/codec.js";
import { validate } from "../wire/validate.js";
import type { Frame } from "../wire/frame.js";
import { encodeMessage } from "../wire/outgoing.js";
import { ProtocolError } from "../wire/protocol-error.js";
import { Outbox } from "./outbox.js";
import type { HandedOverSession, ResumeOutcome } from "./handover.js";
import { newResumeToken } from "./resume-token.js";
import { SIGN_IN_REFUSALS, SignIn } from "./sign-in.js";
import { IceRenewal } from "./ice-renewal.js";
import { InboundMessages } from "./inbound.js";
import { moderationRequest } from "./moderation-request.js";
import { sfuRequest } from "./sfu-request.js";
import type { Connection as ConnectionOf, SessionContext as SessionContextOf } from "./session-context.js";

type Connection = ConnectionOf<Session>;
type SessionContext = SessionContextOf<Session>;

/** Refusals logged per session (see `#warn`). */
const MAX_LOGGED_REFUSALS = 20;

/** One string for every plain `pong`: an idle session's outbox keeps its last one. */
const PONG = encodeMessage({ type: "pong" });

/** Types accepted before login (`renew-token` too: a token can run out before the login is done). */
const PRE_LOGIN_TYPES = new Set(["hello", "join-room", "username", "ping", "renew-token"]);

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
  /** The room to log into (checked, NFC); once logged in, the hub knows the room. */
  #requestedRoom = LOBBY_ROOM;
  /** The name asked for at login: a room switch asks for it again in the new room. */
  #requestedName: unknown;
  /** The password of the room to log into (`hello`, or `join-room` before login). */
  #password: string | undefined;
  readonly #ice: IceRenewal;
  /** A session of a gone node this one takes the place of, at login (see `ResumeOutcome`). */
  #replaces: { session: string; name: string } | undefined;
  readonly #inbound: InboundMessages;
  readonly #signIn: SignIn;
  /** Refusals logged so far: a client sending nothing else must not flood the log. */
  #warnings = 0;
  #ended = false;

  /** `handedOver`: a logged-in session from another node, which `connection`'s client resumes here (see `attach`). */
  constructor(
    connection: Connection,
    private readonly context: SessionContext,
    handedOver?: { state: HandedOverSession; frames: readonly Uint8Array[] },
  ) {
    this.#connection = connection;
    this.outbox = new Outbox(connection, context.config.resumeBufferBytes);
    this.#inbound = new InboundMessages(context.config, context.metrics, {
      dispatch: (message, ref, data) => this.#dispatch(message, ref, data),
      failed: (error, ref, type) => this.#failed(error, ref, type),
      reportError: (code, detail, ref) => this.#reportError(code, detail, ref),
      successor: () => (this.#connection.session !== this ? this.#connection.session : undefined),
      cutOff: () => this.#connection.close(CLOSE_CODES.rateLimitAbuse, "message rate far above the limit"),
    });
    this.#ice = new IceRenewal(context.iceServers);
    this.#signIn = new SignIn(context.tokens, () => context.signInExpired(this));
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
    this.#signIn.restore(state.identity);
    this.outbox.restoreKept(state.sent, frames);
  }

  /** What another node needs to go on with this session (its client resumed there); it is over here. */
  handOver(busy: boolean, partners: string[]): { state: HandedOverSession; frames: Uint8Array[] } {
    this.#ended = true;
    this.#inbound.clear();
    this.#ice.stop();
    this.#signIn.stop();
    const { sent, frames } = this.outbox.exportKept();
    this.outbox.detach();
    const requestedName = typeof this.#requestedName === "string" ? this.#requestedName : this.name!;
    const { identity } = this.#signIn;
    const state = { id: this.id, name: this.name!, room: this.room, requestedName, requestedRoom: this.#requestedRoom, busy, partners, sent, ...(identity && { identity }) };
    return { state, frames };
  }

  /** A handed-over session is attached here: its TURN credentials renew, and its sign-in runs out, from now on. */
  adopted(): void {
    this.#startIceRenewal();
    this.#signIn.start();
  }

  /** The room this session is in (or will log into), as the server spells it. */
  get room(): string {
    return this.context.hub.roomOf(this) ?? this.context.hub.spellingOf(this.#requestedRoom);
  }

  get ended(): boolean {
    return this.#ended;
  }

  /** AUTH=jwt: who its token says the user is. */
  get identity(): Identity | undefined {
    return this.#signIn.identity;
  }

  get moderator(): boolean {
    return this.#signIn.identity?.role === "moderator";
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
    if (!this.#ended) this.#inbound.receive(data, isBinary);
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
    this.#inbound.clear();
    this.#signIn.stop();
    this.#logout();
  }

  #logout(): void {
    this.#ice.stop();
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
      case "renew-token":
        return this.#signIn.renew(validate(RenewTokenMessage, message).token).then((expiresAt) => this.#acknowledge(ref, { expiresAt }));
      case "moderate": {
        const request = validate(ModerateMessage, message);
        // Hashing a password costs tens of milliseconds of a worker thread: as rare as logins.
        if (request.action === "set-password" && request.password) this.#countLogin();
        return this.#acknowledged(moderationRequest(hub, this.context.logger, this, request, (entry, message) => this.#warn(entry, message)), ref);
      }
      case "sfu-publish":
      case "sfu-subscribe-answer":
      case "sfu-candidate":
      case "sfu-layer":
        return this.#acknowledged(sfuRequest(this.context.sfu, this, message), ref);
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
    this.#password = hello.password;
    const signedIn = this.#signIn.hello(hello.token);
    return signedIn ? signedIn.then(() => this.#helloSignedIn(hello, room, ref)) : this.#helloSignedIn(hello, room, ref);
  }

  #helloSignedIn(hello: HelloMessage, room: string | undefined, ref: Ref | undefined): Promise<void> | undefined {
    // One resume per connection: each try elsewhere costs the store a lookup.
    if (!hello.resume || this.resumeToken !== null) return this.#welcome(room, ref);
    const outcome = this.context.resume(hello.resume, hello.received ?? 0, this.#connection, ref, this.#signIn.identity?.name);
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
    const signedIn = this.#signIn.loginName(message.name, this.modern);
    if (signedIn === "refused") return this.#refuseArticleClient();
    this.#countLogin();
    this.#signIn.checkRoom(this.#requestedRoom);
    const replaces = this.#replaces;
    this.#replaces = undefined;
    try {
      const admitted = (name: string) => (this.name = name);
      await this.context.hub.login(this, signedIn.name, this.#requestedRoom, { admitted, replaces, password: this.#password, exactName: signedIn.exact });
    } catch (error) {
      this.name = null;
      throw error;
    }
    this.#requestedName = signedIn.name;
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
    this.#signIn.checkRoom(room);
    if (this.name === null) {
      this.#requestedRoom = room;
      this.#password = message.password;
      return this.#acknowledge(ref, { room: this.room });
    }
    // Each password tried counts as a login: guessing one is as slow as guessing names.
    if (message.password !== undefined) this.#countLogin();
    const admitted = (name: string, spelling: string) => {
      this.name = name;
      this.#acknowledge(ref, { name, room: spelling });
    };
    try {
      await this.context.hub.switchRoom(this, this.#requestedName, room, { admitted, password: message.password, exactName: this.#signIn.identity !== undefined });
    } catch (error) {
      // A wrong password or a locked room: the user stays where it was.
      if (this.context.hub.roomOf(this) !== undefined) throw error;
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

  #startIceRenewal(): void {
    if (this.modern) this.#ice.start(this.name!, (frame) => this.send(frame));
  }

  /** AUTH=jwt: a client that never said `hello` cannot send a token (the article's client). */
  #refuseArticleClient(): void {
    this.context.logger.warn({ session: this.id, address: this.#connection.remoteAddress, code: "auth-required" }, "sign-in refused");
    this.#connection.close(CLOSE_CODES.signInRequired, "sign-in required (AUTH=jwt): this client cannot send a token");
  }

  /** The first refusals of a session are logged, then one line saying the rest are not (they are counted). */
  #warn(entry: object, message: string): void {
    this.#warnings++;
    if (this.#warnings <= MAX_LOGGED_REFUSALS) this.context.logger.warn(entry, message);
    else if (this.#warnings === MAX_LOGGED_REFUSALS + 1) this.context.logger.warn({ session: this.id }, "more refusals of this session are not logged");
  }

  #countLogin(): void {
    if (this.context.allowLogin(this.#connection.remoteAddress)) return;
    this.context.metrics.loginsRefused++;
    throw new ProtocolError("too-many-logins");
  }

  #ping(ping: PingMessage, ref: Ref | undefined): void {
    if (ping.received !== undefined) this.outbox.confirm(ping.received);
    this.send(ref === undefined ? PONG : encodeMessage({ type: "pong", ref }));
  }

  /** Modern clients learn that a request with a `ref` succeeded. */
  #acknowledge(ref: Ref | undefined, result?: { name?: string; room?: string; expiresAt?: number }): void {
    if (this.modern && ref !== undefined) this.send(encodeMessage({ type: "ack", ref, ...result }));
  }

  #reportError(code: ErrorCode, detail?: string, ref?: unknown): void {
    this.context.metrics.countError(code);
    const entry = { session: this.id, code, detail };
    if (SIGN_IN_REFUSALS.has(code)) this.#warn({ ...entry, address: this.#connection.remoteAddress }, "sign-in refused");
    else this.context.logger.debug(entry, "client error");
    this.send(encodeMessage(errorMessage(code, detail, Ref.safeParse(ref).data)));
  }
}
