/**
 * Wire messages. Every message is a JSON object with a string `type`.
 *
 * The article's messages (`id`, `username`, `rejectusername`, `userlist`, `message`,
 * `video-offer`, `video-answer`, `new-ice-candidate`, `hang-up`) keep their shape; the rest is
 * the modern protocol, which a client opts into with `hello`.
 * Schemas are zod; types are inferred from them so that there is one definition.
 */
import { z } from "zod";
import { ERROR_CODES, type ErrorCode } from "./errors.js";

import { Ref, RoomName, RoomPassword, SignInToken, Target, UserName } from "./fields.js";
import { ModerateMessage, ModeratedMessage, RoomStateMessage } from "./moderation.js";
import { Identity, RenewTokenMessage } from "./sign-in.js";
import { CallMetricsMessage } from "./call-metrics.js";
import { GroupCallMedia, SFU_CLIENT_MESSAGES, SFU_SERVER_MESSAGES } from "./sfu.js";
import { IceCandidate, SessionDescription } from "./webrtc.js";

export { Ref } from "./fields.js";

// ---------------------------------------------------------------------------------------------
// Client -> server messages that the server interprets. Extra fields are kept (the article's
// client sends `id` and `date` too).

export const HelloMessage = z.looseObject({
  type: z.literal("hello"),
  protocol: z.number().int(),
  features: z.array(z.string().max(64)).max(32).optional(),
  /** Resume a session whose connection dropped: the `resumeToken` of its `welcome`... */
  resume: z.string().max(128).optional(),
  /** ...and how many messages this client received on it after that `welcome`. */
  received: z.number().int().nonnegative().optional(),
  /** The room to log into; without it, the lobby (where the article's clients always are). */
  room: RoomName.optional(),
  /** AUTH=jwt: the sign-in token, whose claims give the name, rooms and role (required there). */
  token: SignInToken.optional(),
  /** The room's password, when it has one. */
  password: RoomPassword.optional(),
  ref: Ref.optional(),
});
export type HelloMessage = z.infer<typeof HelloMessage>;

/**
 * Moves a modern client to another room, without a new connection: before login it only
 * chooses the room; after login the user leaves its room (and any call there) and logs into
 * the new one under the same requested name (renamed by the article's rule if that is taken
 * there). The `ack` carries the final `name` and `room`; presence, history and the group call
 * of the new room follow as at login.
 */
export const JoinRoomMessage = z.looseObject({
  type: z.literal("join-room"),
  room: RoomName,
  /** The new room's password, when it has one. */
  password: RoomPassword.optional(),
  ref: Ref.optional(),
});
export type JoinRoomMessage = z.infer<typeof JoinRoomMessage>;

/** Joins the room's group call (starting it if nobody is in it); refused past the mesh cap. */
export const GroupJoinMessage = z.looseObject({ type: z.literal("group-join"), ref: Ref.optional() });
/** Leaves the room's group call (a no-op when not in it). */
export const GroupLeaveMessage = z.looseObject({ type: z.literal("group-leave"), ref: Ref.optional() });

export const UsernameMessage = z.looseObject({
  type: z.literal("username"),
  name: z.unknown(),
  ref: Ref.optional(),
});
export type UsernameMessage = z.infer<typeof UsernameMessage>;

export const ChatMessage = z.looseObject({
  type: z.literal("message"),
  text: z.string(),
  target: Target.optional().nullable(),
  date: z.union([z.number(), z.string().max(64)]).optional(),
  ref: Ref.optional(),
});
export type ChatMessage = z.infer<typeof ChatMessage>;

export const UserStatus = z.enum(["available", "busy"]);
export type UserStatus = z.infer<typeof UserStatus>;

export const SetStatusMessage = z.looseObject({
  type: z.literal("set-status"),
  status: UserStatus,
  ref: Ref.optional(),
});
export type SetStatusMessage = z.infer<typeof SetStatusMessage>;

/**
 * Keeps the connection known to be alive both ways (browsers cannot see WebSocket pings), and
 * tells the server how many messages arrived, so it can forget them from the resume buffer.
 */
export const PingMessage = z.looseObject({
  type: z.literal("ping"),
  received: z.number().int().nonnegative().optional(),
  ref: Ref.optional(),
});
export type PingMessage = z.infer<typeof PingMessage>;

/** The client messages the server interprets; every other type is relayed. */
export const ControlMessage = z.discriminatedUnion("type", [
  HelloMessage,
  JoinRoomMessage,
  GroupJoinMessage,
  GroupLeaveMessage,
  UsernameMessage,
  ChatMessage,
  SetStatusMessage,
  PingMessage,
  RenewTokenMessage,
  ModerateMessage,
  CallMetricsMessage,
  ...SFU_CLIENT_MESSAGES,
]);
export type ControlMessage = z.infer<typeof ControlMessage>;
/** The client messages the server interprets itself (never relayed). */
export const CLIENT_CONTROL_TYPES: ReadonlySet<string> = new Set(ControlMessage.options.map((option) => option.shape.type.value));

// ---------------------------------------------------------------------------------------------
// Call messages: client -> client, routed by `target`, stamped with the sender's `name`.
// The server does not interpret them beyond remembering who negotiates with whom (so that an
// untargeted `hang-up` reaches only the call partner, and a disconnect ends the call).

/**
 * Long enough for a group call's pair id, `group:<room>:<a>|<b>`: a room of 64 and two names of
 * 32 code points, each of which may take two UTF-16 units.
 */
const CallId = z.string().min(1).max(300);


const routed = { name: UserName.optional(), target: Target.optional().nullable() };

export const CallInviteMessage = z.looseObject({
  type: z.literal("call-invite"),
  ...routed,
  callId: CallId,
  media: z.object({ audio: z.boolean(), video: z.boolean() }).optional(),
});
export const CallAcceptMessage = z.looseObject({ type: z.literal("call-accept"), ...routed, callId: CallId });
export const CallDeclineReason = z.enum(["declined", "busy", "unavailable"]);
export type CallDeclineReason = z.infer<typeof CallDeclineReason>;
export const CallDeclineMessage = z.looseObject({
  type: z.literal("call-decline"),
  ...routed,
  callId: CallId,
  reason: CallDeclineReason,
});
export const CallCancelMessage = z.looseObject({ type: z.literal("call-cancel"), ...routed, callId: CallId });
export const VideoOfferMessage = z.looseObject({
  type: z.literal("video-offer"),
  ...routed,
  sdp: SessionDescription,
  callId: CallId.optional(),
});
export const VideoAnswerMessage = z.looseObject({
  type: z.literal("video-answer"),
  ...routed,
  sdp: SessionDescription,
  callId: CallId.optional(),
});
export const NewIceCandidateMessage = z.looseObject({
  type: z.literal("new-ice-candidate"),
  ...routed,
  candidate: IceCandidate.nullable(),
  callId: CallId.optional(),
});
/**
 * A MediaStream id as SDP carries it (an `msid`): 1 to 64 token characters (RFC 8830), so the
 * id a peer announces can be the one its tracks arrive with.
 */
export const StreamId = z.string().regex(/^[!#$%&'*+\-.0-9A-Z^_`a-z{|}~]{1,64}$/, "is not a stream id (1 to 64 token characters)");
/**
 * A call partner's microphone and camera, for the others' tiles, and which of its streams is its
 * screen share. Sent untargeted, it goes to the sender's call partners only, like every call
 * message. `screen`: the id of the MediaStream its screen share arrives in (null or absent: not
 * sharing); sent before the offer that adds the share's track. `callId`: a 1:1 call's id.
 */
export const MediaStateMessage = z.looseObject({
  type: z.literal("media-state"),
  ...routed,
  audio: z.boolean(),
  video: z.boolean(),
  screen: StreamId.nullable().optional(),
  callId: CallId.optional(),
});
export const HangUpMessage = z.looseObject({
  type: z.literal("hang-up"),
  ...routed,
  callId: CallId.optional(),
  reason: z.string().max(64).optional(),
});

export const CallMessage = z.discriminatedUnion("type", [
  CallInviteMessage,
  CallAcceptMessage,
  CallDeclineMessage,
  CallCancelMessage,
  VideoOfferMessage,
  VideoAnswerMessage,
  NewIceCandidateMessage,
  MediaStateMessage,
  HangUpMessage,
]);
export type CallMessage = z.infer<typeof CallMessage>;
export type CallMessageType = CallMessage["type"];

/** Every call message type. */
export const CALL_MESSAGE_TYPES: ReadonlySet<string> = new Set(CallMessage.options.map((option) => option.shape.type.value));

/** Call messages that start or continue a negotiation between sender and target. */
export const CALL_OPENING_TYPES: ReadonlySet<string> = new Set<CallMessageType>([
  "call-invite",
  "call-accept",
  "video-offer",
  "video-answer",
  "new-ice-candidate",
]);
/** Call messages that end one. */
export const CALL_CLOSING_TYPES: ReadonlySet<string> = new Set<CallMessageType>([
  "call-decline",
  "call-cancel",
  "hang-up",
]);

// ---------------------------------------------------------------------------------------------
// Server -> client messages.

export const IceServer = z.object({
  urls: z.union([z.string(), z.array(z.string())]),
  username: z.string().optional(),
  credential: z.string().optional(),
});
export type IceServer = z.infer<typeof IceServer>;

export const Limits = z.object({
  /** Largest message the server accepts; a larger one gets `frame-too-large`. */
  maxMessageBytes: z.number().int(),
  /** Sustained messages per second per connection, and the burst allowed above it. */
  messagesPerSecond: z.number().optional(),
  messageBurst: z.number().optional(),
  /** A client should send `ping` at least this often; the server drops silent connections. */
  heartbeatIntervalMs: z.number().int().optional(),
  /** How long a dropped session can be resumed. */
  resumeGraceMs: z.number().int().optional(),
  /** Longest chat `text`, in characters (UTF-16 code units); a longer one gets `text-too-long`. */
  maxChatTextLength: z.number().int().optional(),
  /** Deepest nesting of objects and arrays in a message; deeper gets `too-deep`. */
  maxNestingDepth: z.number().int().optional(),
  /** Most people in one room's group call (each pair has its own connection). */
  maxMeshParticipants: z.number().int().optional(),
  /** With a media server (features "sfu"): most people in one group call through it. */
  maxSfuParticipants: z.number().int().optional(),
});
export type Limits = z.infer<typeof Limits>;

export const IdMessage = z.object({ type: z.literal("id"), id: z.string() });
export const WelcomeMessage = z.object({
  type: z.literal("welcome"),
  protocol: z.number().int(),
  id: z.string(),
  features: z.array(z.string()),
  limits: Limits,
  iceServers: z.array(IceServer),
  /** Present this in `hello.resume` to take the session back after a drop. */
  resumeToken: z.string().optional(),
  /** True when `hello.resume` succeeded: the session, its name and its presence are kept. */
  resumed: z.boolean().optional(),
  /** The room this session logs into (or, resumed, is in), as the server spells it. */
  room: z.string().optional(),
  /** How users sign in: "open" (any name, the article's way) or "jwt" (a token gives the name). */
  auth: z.enum(["open", "jwt"]).optional(),
  /** AUTH=jwt: who the token says this user is. */
  identity: Identity.optional(),
  /**
   * AUTH=jwt: a path on this origin (JWT_RENEW_URL) where a signed-in browser gets a fresh
   * token (GET, with its cookies; the token as the body, or `{"token": …}`), to renew with.
   */
  tokenUrl: z.string().optional(),
  ref: Ref.optional(),
});
export type WelcomeMessage = z.infer<typeof WelcomeMessage>;
export const RejectUsernameMessage = z.object({ type: z.literal("rejectusername"), name: z.string() });
export const UserlistMessage = z.object({
  type: z.literal("userlist"),
  users: z.array(z.string()),
  /** Modern clients only: which of `users` are busy. */
  busy: z.array(z.string()).optional(),
  /** Modern clients only: which of `users` speak only the article's protocol (no ringing). */
  legacy: z.array(z.string()).optional(),
});
export type UserlistMessage = z.infer<typeof UserlistMessage>;
export const UserJoinedMessage = z.object({
  type: z.literal("user-joined"),
  users: z.array(z.string()),
  /** The subset of `users` that speak only the article's protocol; absent when none. */
  legacy: z.array(z.string()).optional(),
});
export const UserLeftMessage = z.object({ type: z.literal("user-left"), users: z.array(z.string()) });
export const UserStatusMessage = z.object({ type: z.literal("user-status"), name: z.string(), status: UserStatus });
export const ErrorMessage = z.object({
  type: z.literal("error"),
  code: z.string(),
  message: z.string(),
  ref: Ref.optional(),
});
export type ErrorMessage = z.infer<typeof ErrorMessage>;
export const AckMessage = z.looseObject({
  type: z.literal("ack"),
  ref: Ref,
  /** `username` and `join-room`: the name given. */
  name: z.string().optional(),
  /** `join-room`: the room, as the server spells it. */
  room: z.string().optional(),
  /** `renew-token`: when the new token expires (ms since the epoch). */
  expiresAt: z.number().optional(),
});
export type AckMessage = z.infer<typeof AckMessage>;
/** A chat message as delivered: the server has set `name` and `date`. */
export const DeliveredChatMessage = z.looseObject({
  type: z.literal("message"),
  name: z.string(),
  text: z.string(),
  date: z.union([z.number(), z.string()]),
  target: Target.optional().nullable(),
  /** Public chat only: the message's place in the room's history (1, 2, ...). */
  seq: z.number().int().optional(),
});
export type DeliveredChatMessage = z.infer<typeof DeliveredChatMessage>;
/**
 * Fresh ICE servers: with short-lived TURN credentials, sent right after login and again before
 * they expire (`expiresAt`, ms since the epoch). Use them for new connections and ICE restarts.
 */
export const IceServersMessage = z.object({
  type: z.literal("ice-servers"),
  iceServers: z.array(IceServer),
  expiresAt: z.number().optional(),
});
export type IceServersMessage = z.infer<typeof IceServersMessage>;
/** Recent public chat, sent to a modern client at login (oldest first). */
export const HistoryMessage = z.object({ type: z.literal("history"), messages: z.array(DeliveredChatMessage) });
export type HistoryMessage = z.infer<typeof HistoryMessage>;
export const PongMessage = z.looseObject({ type: z.literal("pong"), ref: Ref.optional() });
/**
 * Who is in the room's group call, in the order they joined (empty: none). Sent to everyone in
 * the room at login (after `history`) and whenever it changes. Each pair of participants
 * connects with call messages (`callId` starting `group:`).
 */
export const GroupCallMessage = z.object({
  type: z.literal("group-call"),
  participants: z.array(z.string()),
  /** Absent: "mesh". "sfu": media goes through the media server (see sfu.ts). */
  media: GroupCallMedia.optional(),
});
export type GroupCallMessage = z.infer<typeof GroupCallMessage>;

/** Every message the server itself originates. */
export const ServerOriginatedMessage = z.discriminatedUnion("type", [
  IdMessage,
  WelcomeMessage,
  RejectUsernameMessage,
  UserlistMessage,
  UserJoinedMessage,
  UserLeftMessage,
  UserStatusMessage,
  ErrorMessage,
  AckMessage,
  DeliveredChatMessage,
  HistoryMessage,
  PongMessage,
  IceServersMessage,
  GroupCallMessage,
  RoomStateMessage,
  ModeratedMessage,
  ...SFU_SERVER_MESSAGES,
]);
export type ServerOriginatedMessage = z.infer<typeof ServerOriginatedMessage>;

/**
 * The types the server sends itself. They are reserved: a client that sends one for relaying
 * gets `reserved-type`, so that nobody can speak as the server. Derived from the schema, so a
 * type the server starts sending is reserved by the same change.
 */
export const SERVER_MESSAGE_TYPES: ReadonlySet<string> = new Set(
  ServerOriginatedMessage.options.map((option) => option.shape.type.value),
);

/** Builds an `error` message from the catalog. */
export function errorMessage(code: ErrorCode, detail?: string, ref?: Ref): ErrorMessage {
  const message = detail ? `${ERROR_CODES[code]} ${detail}` : ERROR_CODES[code];
  return ref === undefined ? { type: "error", code, message } : { type: "error", code, message, ref };
}
