import {
  type AckMessage,
  type GroupCallMedia,
  type IceServer,
  type SfuAnswerMessage,
  type SfuPublishMessage,
  type Identity,
  type UserStatus,
  type WelcomeMessage,
} from "@switchboard/protocol";
import { Moderation } from "../moderation/moderation.js";
import { TypedEmitter, type Disposer } from "../typed-emitter.js";
import { BusyHolds } from "./busy-holds.js";
import { Connection } from "./connection.js";
import type { ConnectionState } from "./connection-state.js";
import { Inbound } from "./inbound.js";
import { Outbound } from "./outbound.js";
import { appMessage } from "./peer-messages.js";
import type { UserInfo } from "./presence.js";
import { RoomView } from "./room-view.js";
import { endError, type SessionEnd } from "./session-end.js";
import { SessionMemory } from "./session-memory.js";
import { SignIn } from "./sign-in.js";
import { whenOpen } from "./signaling-events.js";
import { SignalingError } from "./signaling-error.js";
import {
  resolveSignalingOptions,
  type OutgoingMessage,
  type RoomState,
  type SignalingClientEvents,
  type SignalingClientOptions,
} from "./signaling-types.js";

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
 *
 * Some ends are final (see SessionEnd, the `ended` event): a moderator removed us (close 4403),
 * AUTH=jwt and the token ran out (4401) or the sign-in was refused, another connection took
 * the session (4001). Then the client closes and does not reconnect.
 */
export class SignalingClient {
  readonly url: string;
  readonly options: Readonly<SignalingClientOptions>;
  readonly #events = new TypedEmitter<SignalingClientEvents>();
  readonly #session = new SessionMemory();
  readonly #view = new RoomView(this.#events);
  readonly #busy = new BusyHolds((status) => this.send({ type: "set-status", status }));
  readonly #signIn: SignIn;
  readonly #connection: Connection;
  /** A moderator's requests for our room, and who moderates it (see Moderation). */
  readonly moderation: Moderation;

  /** Throws a TypeError for a url that is not ws: or wss:, or when there is no WebSocket to use. */
  constructor(options: Partial<SignalingClientOptions> = {}) {
    this.options = resolveSignalingOptions(options);
    this.url = this.options.url;
    const out = new Outbound(this.options.maxQueuedMessages, (error) => this.#events.emit("error", error));
    const inbound = new Inbound(this.#events, this.#session, this.#view, out.pending);
    this.#session.roomPassword = this.options.password;
    this.#signIn = new SignIn(this.options.token, {
      open: () => this.state === "open",
      renew: (token) => this.request({ type: "renew-token", token }),
      identity: (identity) => this.#events.emit("identity", identity),
      error: (error) => this.#events.emit("error", error),
    });
    const parts = { options: this.options, events: this.#events, session: this.#session, view: this.#view, out, inbound };
    this.#connection = new Connection({ ...parts, signIn: this.#signIn, busy: this.#busy });
    this.moderation = new Moderation({
      request: (message) => this.request(message),
      name: () => this.#session.name,
      roomState: () => this.#view.roomState,
      passwordSet: (password) => (this.#session.roomPassword = password ?? undefined),
    });
  }

  /** Subscribes to an event; returns the disposer. */
  on<E extends keyof SignalingClientEvents>(event: E, listener: SignalingClientEvents[E]): Disposer {
    return this.#events.on(event, listener);
  }

  once<E extends keyof SignalingClientEvents>(event: E, listener: SignalingClientEvents[E]): Disposer {
    return this.#events.once(event, listener);
  }

  get state(): ConnectionState {
    return this.#connection.state;
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

  /** AUTH=jwt: who the sign-in token says we are (the latest welcome, or renewal); null in open mode. */
  get identity(): Identity | null {
    return this.#signIn.identity;
  }

  /** Why the server ended this client for good (see the `ended` event); null while it has not. */
  get end(): SessionEnd | null {
    return this.#connection.end;
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

  /** How our room's group call carries media: "mesh", or "sfu" through the media server. */
  get groupCallMedia(): GroupCallMedia {
    return this.#view.groupCallMedia;
  }

  /** Our room's moderation state, from its last `room-state` (null before one came). */
  get roomState(): RoomState | null {
    return this.#view.roomState;
  }

  /**
   * Opens the connection (once); resolves when it is open, rejects if the client closes first
   * (with the server's error when it refused the sign-in, see `ended`).
   */
  async connect(): Promise<void> {
    this.#connection.start();
    try {
      await whenOpen(this.state, (listener) => this.#events.on("state", listener));
    } catch (error) {
      const end = this.#connection.end;
      throw end === null ? error : endError(end);
    }
  }

  /**
   * Logs in (connecting first if needed). Resolves with the name the server gave, which differs
   * from `name` when that was taken (a `renamed` event says so too). AUTH=jwt: the token gives
   * the name; without `name`, the client connects and logs in as `identity.name`.
   */
  async login(name?: string): Promise<string> {
    if (name === undefined) {
      await this.connect();
      name = this.identity?.name;
      if (name === undefined) throw new TypeError("SignalingClient.login: give a name (this server signs in without tokens).");
    } else if (this.state === "idle") void this.connect().catch(() => {});
    const ack = await this.#connection.request({ type: "username", name }, this.options.requestTimeoutMs);
    return this.#connection.adoptName(ack, name);
  }

  /**
   * Moves to another room without reconnecting: we leave our room (and any call in it) and log
   * into `room` under our name, renamed if it is taken there (`renamed`). Presence is reset and
   * rebuilt from the new room's snapshot; `room` is emitted. Before login it only chooses the
   * room (`name` is then ""). `password`: the room's, when it has one. Rejects with a
   * SignalingError, e.g. "bad-room", "bad-password", "room-locked", "room-forbidden".
   */
  async joinRoom(room: string, options: { password?: string } = {}): Promise<{ room: string; name: string }> {
    if (this.state === "idle") void this.connect().catch(() => {});
    const switching = this.#view.switching();
    const { password } = options;
    try {
      const message = { type: "join-room", room, ...(password === undefined ? {} : { password }) };
      const ack = await this.#connection.request(message, this.options.requestTimeoutMs);
      this.#session.roomPassword = password;
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
    const reply = await this.#connection.request(message, options.timeoutMs ?? this.options.requestTimeoutMs);
    return reply as AckMessage;
  }

  /**
   * SFU group calls: publishes our media (or renegotiates it: a screen share added or removed)
   * with `sfu-publish`, and resolves with the media server's `sfu-answer`. Rejects like
   * request(), e.g. with "media-failed" (the media server refused it) or "no-call".
   */
  async sfuPublish(sdp: SfuPublishMessage["sdp"], tracks: SfuPublishMessage["tracks"]): Promise<SfuAnswerMessage> {
    const reply = await this.#connection.request({ type: "sfu-publish", sdp, tracks }, this.options.requestTimeoutMs);
    if (reply.type === "sfu-answer") return reply;
    throw SignalingError.client("invalid-server-message", `The server answered sfu-publish with ${reply.type}, not sfu-answer.`);
  }

  /** Sends without waiting for an answer; queued while not connected. Failures arrive as `error` events. */
  send(message: OutgoingMessage): void {
    this.#connection.send(message);
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
    this.#connection.close(SignalingError.client("closed", "The client was closed."));
  }
}
