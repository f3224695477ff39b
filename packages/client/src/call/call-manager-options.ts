import type { CallSession } from "./call-session.js";
import type { MediaStreamConstructor, RTCPeerConnectionConstructor } from "./call.js";
import type { IceRecoveryOptions } from "./ice-recovery.js";

// The CallManager's options and events, apart from its logic.

/**
 * Our camera/microphone: a stream, nothing (receive only), or a function asked once per call.
 * Who stops it: a stream given here (or to call() / accept()) stays the app's, never stopped by
 * the SDK; a stream a function returns is the SDK's, stopped when that call ends (at once if it
 * arrives after the call ended). So `() => navigator.mediaDevices.getUserMedia(...)` turns the
 * camera off after each call, and a preview shared by many calls is passed as a stream.
 */
export type LocalMedia = MediaStream | null | (() => MediaStream | null | Promise<MediaStream | null>);

export interface CallManagerOptions {
  /** Default local media for calls (call() and accept() can override it). Default: null. See LocalMedia for who stops it. */
  localMedia: LocalMedia;
  /**
   * Connect while it rings: the caller's offer follows its invite, and the callee answers it
   * while ringing, so ICE and DTLS are done by the time the callee accepts; neither side sends
   * media before the accept (the tracks are held; see Call's `holdMedia`). Accepting then only
   * starts the media. The price: the caller learns the callee's ICE candidates (network
   * addresses) while it rings, as it would on answering; set false to connect only on accept.
   * Default true.
   */
  connectWhileRinging: boolean;
  /** Outgoing ringing ends with "no-answer" after this; the callee stops ringing a little later. */
  ringTimeoutMs: number;
  /** From "connecting", the call must reach "connected" within this, or ends "connection-failed". */
  connectTimeoutMs: number;
  /** ICE restart timing (see IceRecoveryOptions). */
  iceRecovery: Partial<IceRecoveryOptions>;
  /**
   * Peer connection settings, e.g. `{ iceTransportPolicy: "relay" }` to use TURN relays only.
   * `iceServers` defaults to the server's: the welcome's, then each `ice-servers` update, which
   * also reaches the call in progress (for its ICE restarts).
   */
  rtcConfiguration: RTCConfiguration;
  /**
   * After a signaling outage that lost our session (e.g. a server restart), how long the remote
   * user may be missing from the new session's presence before the call ends "gone".
   * Default (undefined): the server's resume window from `welcome`, else 30 s.
   */
  rejoinGraceMs: number | undefined;
  /** Default: the global one. Inject to run outside a browser. */
  RTCPeerConnection: RTCPeerConnectionConstructor | undefined;
  MediaStream: MediaStreamConstructor | undefined;
  /** Call ids; default crypto.randomUUID(). */
  createCallId: () => string;
}

export const DEFAULT_CALL_MANAGER_OPTIONS = Object.freeze({
  localMedia: null,
  connectWhileRinging: true,
  ringTimeoutMs: 30_000,
  connectTimeoutMs: 30_000,
  iceRecovery: {},
  rtcConfiguration: {},
  rejoinGraceMs: undefined,
});

export interface CallManagerEvents {
  /** Someone calls us: show it, then `session.accept()` or `session.decline()`. */
  "incoming-call": (session: CallSession) => void;
  /** Any new call, outgoing or incoming (subscribe to its events here). */
  call: (session: CallSession) => void;
  /** Something failed outside any promise (e.g. getting local media: the call goes on receive-only). */
  error: (error: unknown) => void;
}
