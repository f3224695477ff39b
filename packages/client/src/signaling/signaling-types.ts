import type {
  GroupCallMedia,
  IceServer,
  Identity,
  ModerationAction,
  RelayedCallMessage,
  SfuAnswerMessage,
  SfuOfferMessage,
  SfuStatusMessage,
  UserStatus,
  WelcomeMessage,
} from "@switchboard/protocol";
import { ExponentialBackoff, type ReconnectPolicy } from "./backoff.js";
import type { ConnectionState } from "./connection-state.js";
import type { InvalidPeerMessage, PeerMessage } from "./peer-messages.js";
import type { UserInfo } from "./presence.js";
import type { SessionEnd } from "./session-end.js";
import type { TokenOption } from "./sign-in.js";
import type { SignalingError } from "./signaling-error.js";
import { defaultSignalingUrl, globalWebSocket, type WebSocketConstructor } from "./websocket-like.js";

/** A call message as received: the server has stamped the sender's real name in `from` (and `name`). */
export type IncomingCallMessage = RelayedCallMessage;

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
  /** Public chat: its place in the room's history (1, 2, ...), when the server numbers it. */
  readonly seq?: number;
}

/** The room's moderation state (the server's `room-state`). */
export interface RoomState {
  /** No new joins (its moderators still get in). */
  readonly locked: boolean;
  /** New joins need the room's password. */
  readonly passwordProtected: boolean;
  /** Who may moderate the room (open mode: its longest-present user; AUTH=jwt: the tokens' role). */
  readonly moderators: readonly string[];
}

/** A moderator acted (the server's `moderated`): see ModerationAction. */
export interface ModeratedEvent {
  readonly action: ModerationAction;
  /** The moderator. */
  readonly by: string;
  /** Whom it was about ("remove", "mute"). */
  readonly target: string | null;
  /** The moderator's reason ("remove"). */
  readonly reason: string | null;
}

export interface SignalingClientEvents {
  /** The connection state changed (see ConnectionState). */
  state: (state: ConnectionState, previous: ConnectionState) => void;
  /**
   * The server's `welcome`, after every (re)connection: features, limits, ICE servers.
   * `welcome.resumed` is true when a dropped session was taken back (name, presence and calls
   * kept, missed messages replayed); otherwise the client has logged in afresh.
   */
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
  /** Fresh ICE servers (short-lived TURN credentials), valid until `expiresAt` (ms since epoch) if given. */
  "ice-servers": (iceServers: readonly IceServer[], expiresAt: number | null) => void;
  /** Recent public chat, oldest first, sent by the server right after login. */
  history: (entries: readonly ChatEntry[]) => void;
  /** A call message from another user (`call-invite`, `video-offer`, `hang-up`, ...); `from` is the sender. */
  signal: (message: IncomingCallMessage) => void;
  /** An app-defined message from another user (see sendToPeer() and broadcast()). */
  "peer-message": (message: PeerMessage) => void;
  /**
   * A message from another user that was malformed, or claimed a type peers may not send (e.g.
   * a forged `error`), and was dropped. A diagnostic: nothing the server said, nothing to show.
   */
  "peer-message-invalid": (invalid: InvalidPeerMessage) => void;
  /** The server gave us a different name than asked for (it was taken): at login, re-login or a room switch. */
  renamed: (event: { requested: string; name: string }) => void;
  /**
   * We are in another room (the server's spelling): at the first welcome, and after joinRoom().
   * Presence was reset first (everyone of the old room left); the new room's users follow.
   */
  room: (room: string) => void;
  /**
   * Who is in the room's group call, in the order they joined (empty: nobody), and how it
   * carries media ("mesh", or "sfu" through the media server of a server whose
   * `welcome.features` lists "sfu"). Sent at login, after a room switch and at every change.
   * GroupCall builds on it.
   */
  "group-call": (participants: readonly string[], media: GroupCallMedia) => void;
  /**
   * SFU group calls (GroupCall runs them): the media server's state for our call. `ready`:
   * publish (again, on fresh connections, at each new `epoch`); `interrupted`: it went away.
   */
  "sfu-status": (status: SfuStatusMessage) => void;
  /** SFU group calls: an offer for our subscriber connection, and whose each of its m-lines is. */
  "sfu-offer": (offer: SfuOfferMessage) => void;
  /** SFU group calls: the media server's answer to an `sfu-publish` (see SignalingClient.sfuPublish). */
  "sfu-answer": (answer: SfuAnswerMessage) => void;
  /**
   * AUTH=jwt: who the sign-in token says we are, from each welcome and after each renewal
   * (`expiresAt` moved on). In jwt mode our name is `identity.name`, whatever login() asked for.
   */
  identity: (identity: Identity) => void;
  /**
   * The room's moderation state: at login (after `group-call`), after a room switch, and at
   * every change (e.g. the moderator role passed on). A room switch forgets the old one (see
   * `roomState`), and the new room's follows.
   */
  "room-state": (state: RoomState) => void;
  /**
   * A moderator acted in our room. Everyone hears of remove, lock, unlock, end-call and
   * set-password; only its target hears of "mute" (a request: the app mutes the microphone).
   * A "remove" whose target is us comes right before the `ended` it causes.
   */
  moderated: (event: ModeratedEvent) => void;
  /**
   * The server ended this client for good: removed by a moderator, a sign-in token that ran out
   * or was refused, or another connection took the session. No reconnect: state "closed"
   * follows at once, and requests still waiting fail.
   */
  ended: (end: SessionEnd) => void;
  /**
   * A server error no request is waiting for, or an invalid frame from the server itself
   * ("invalid-server-message"; never a peer's message). Never thrown.
   */
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
  /**
   * The room to log into (sent in `hello`); default: the lobby. After a reconnect the client
   * asks for the room it is in (see joinRoom()), not this one.
   */
  room: string | undefined;
  /**
   * AUTH=jwt: the sign-in token sent in every `hello` (see TokenOption). A function is called
   * for each `hello` and again to renew the token before it expires (`renew-token`), told which
   * (TokenRequest).
   */
  token: TokenOption | undefined;
  /** The password of `room`, when it has one (see joinRoom() for other rooms). */
  password: string | undefined;
}

export const DEFAULT_SIGNALING_OPTIONS = Object.freeze({
  requestTimeoutMs: 10_000,
  handshakeTimeoutMs: 10_000,
  maxQueuedMessages: 1000,
  room: undefined,
  token: undefined,
  password: undefined,
});

/** The client's options with their defaults, checked and frozen; throws a TypeError for bad ones. */
export function resolveSignalingOptions(options: Partial<SignalingClientOptions>): Readonly<SignalingClientOptions> {
  const url = options.url ?? defaultSignalingUrl();
  if (url === undefined) throw new TypeError("SignalingClient: no `url` given and no page location to default to.");
  const protocol = new URL(url).protocol;
  if (protocol !== "ws:" && protocol !== "wss:") throw new TypeError(`SignalingClient: url must be ws: or wss:, got ${url}`);
  const WebSocket = options.WebSocket ?? globalWebSocket();
  if (!WebSocket) throw new TypeError("SignalingClient: no global WebSocket; pass the `WebSocket` option (e.g. from 'ws').");
  return Object.freeze({
    ...DEFAULT_SIGNALING_OPTIONS,
    reconnect: new ExponentialBackoff(),
    ...stripUndefined(options),
    url,
    WebSocket,
  });
}

/** Options given as `undefined` fall back to their defaults. */
export function stripUndefined<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as Partial<T>;
}
