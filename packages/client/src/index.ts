/**
 * @switchboard/client — the Switchboard client SDK.
 *
 * SignalingClient: reconnecting WebSocket, typed events, requests with acks.
 */
export { TypedEmitter, type Disposer, type EventMap } from "./typed-emitter.js";
export {
  SignalingClient,
  DEFAULT_SIGNALING_OPTIONS,
  type SignalingClientEvents,
  type SignalingClientOptions,
  type IncomingCallMessage,
  type OutgoingMessage,
  type ChatEntry,
} from "./signaling/signaling-client.js";
export { SignalingError, type ClientErrorCode } from "./signaling/signaling-error.js";
export {
  ExponentialBackoff,
  RetrySchedule,
  DEFAULT_BACKOFF,
  type ReconnectPolicy,
  type ExponentialBackoffOptions,
} from "./signaling/backoff.js";
export { type ConnectionState, IllegalTransitionError } from "./signaling/connection-state.js";
export { PresenceState, type UserInfo, type PresenceChange, type PresenceMessage } from "./signaling/presence.js";
export { type WebSocketLike, type WebSocketConstructor, defaultSignalingUrl } from "./signaling/websocket-like.js";
