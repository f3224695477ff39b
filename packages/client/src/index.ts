/**
 * @switchboard/client — the Switchboard client SDK.
 *
 * - SignalingClient: reconnecting WebSocket, typed events, presence, requests with acks,
 *   app-defined messages between users (sendToPeer, broadcast, `peer-message`), sign-in
 *   tokens (AUTH=jwt, renewed before they expire), room passwords, and `moderation`.
 * - Call: one RTCPeerConnection with perfect negotiation and ICE restart.
 * - CallManager: 1:1 calls with ringing, busy, cancel, hang-up, and article-client interop.
 * - GroupCall: the room's group call: a mesh of Calls (one per other participant), or, on a
 *   server with a media server ("sfu" in `welcome.features`), one publisher and one subscriber
 *   connection with it (simulcast camera; setVideoSize/setPinned pick the layer per tile), with
 *   the same tiles (GroupPeer) either way; `media-server` says when the media server is
 *   interrupted and ready again.
 * - Devices: listDevices, openDeviceTrack, DeviceWatch (unplugged devices); replaceTrack on
 *   CallSession and GroupCall switches a camera or microphone in a call without renegotiation.
 * - Screen sharing in both (`screenShare`): its own track and stream, named to the peers.
 *
 * Imports without a DOM (Node): browser globals are used only when present or injected.
 */
export { TypedEmitter, type Disposer, type EventMap } from "./typed-emitter.js";
export { SignalingClient } from "./signaling/signaling-client.js";
export {
  DEFAULT_SIGNALING_OPTIONS,
  type SignalingClientEvents,
  type SignalingClientOptions,
  type IncomingCallMessage,
  type OutgoingMessage,
  type ChatEntry,
  type RoomState,
  type ModeratedEvent,
} from "./signaling/signaling-types.js";
export { type SessionEnd } from "./signaling/session-end.js";
export { type TokenOption, type TokenRequest, renewalDelayMs } from "./signaling/sign-in.js";
export { Moderation } from "./moderation/moderation.js";
export { SignalingError, type ClientErrorCode } from "./signaling/signaling-error.js";
export { type PeerMessage, type InvalidPeerMessage } from "./signaling/peer-messages.js";
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

export {
  Call,
  type CallEvents,
  type CallOptions,
  type NegotiationMessage,
  type RTCPeerConnectionConstructor,
  type MediaStreamConstructor,
} from "./call/call.js";
export { type CallState, type CallEndReason, canTransitionCall } from "./call/call-state.js";
export { type CallQuality, summarizeStats } from "./call/call-quality.js";
export { isPolite } from "./call/perfect-negotiation.js";
export { DEFAULT_ICE_RECOVERY, type IceRecoveryOptions } from "./call/ice-recovery.js";
export { CallSession, type CallSessionEvents, type CallSessionInit } from "./call/call-session.js";
export {
  CallManager,
  DEFAULT_CALL_MANAGER_OPTIONS,
  type CallManagerEvents,
  type CallManagerOptions,
  type LocalMedia,
} from "./call/call-manager.js";
export { GroupCall } from "./group/group-call.js";
export {
  DEFAULT_GROUP_CALL_OPTIONS,
  type GroupCallEvents,
  type GroupCallOptions,
  type GroupLeaveReason,
  type GroupPeer,
  type MediaServerState,
  type VideoSize,
} from "./group/group-call-types.js";
export { layerForSize, LAYER_MAX_WIDTHS } from "./group/sfu-layers.js";
export { SIMULCAST_ENCODINGS } from "./group/sfu-publisher.js";
export { SFU_FEATURE } from "./group/stay.js";
export { pairCallId, isGroupCallId, compareCodePoints } from "./group/group-roles.js";
export { SpeakingDetector, DEFAULT_SPEAKING, type SpeakingOptions } from "./group/speaking.js";
export {
  listDevices,
  groupDevices,
  openDeviceTrack,
  preferDevice,
  fallbackDevice,
  deviceIdOf,
  trackKindOf,
  captureKindOf,
  type Device,
  type DeviceKind,
  type CaptureKind,
  type DeviceLists,
  type MediaDevicesLike,
  type MediaDeviceInfoLike,
} from "./media/devices.js";
export { DeviceWatch, type DeviceWatchEvents, type DeviceLoss } from "./media/device-watch.js";
export { replaceStreamTrack } from "./media/stream-tracks.js";
export { displayMedia, type ScreenSharing, type ScreenSource } from "./media/screen-share.js";
export {
  FileTransfers,
  DEFAULT_FILE_TRANSFERS_OPTIONS,
  type FileTransfersEvents,
  type FileTransfersOptions,
  type FilePeerConnection,
} from "./files/file-transfers.js";
export {
  FileTransfer,
  type FileTransferEvents,
  type FileTransferState,
  type FileTransferOutcome,
  type FileTransferResult,
  type TransferChannel,
} from "./files/file-transfer.js";
export { OutgoingFileTransfer } from "./files/outgoing-transfer.js";
export { IncomingFileTransfer } from "./files/incoming-transfer.js";
export { chunkSizeFor, MAX_SEND_CHUNK_BYTES } from "./files/chunk-stream.js";
