import type { LocalMedia } from "../call/call-manager-options.js";
import type { CallQuality } from "../call/call-quality.js";
import type { MediaStreamConstructor, RTCPeerConnectionConstructor } from "../call/call.js";
import type { IceRecoveryOptions } from "../call/ice-recovery.js";
import type { IncomingFileTransfer } from "../files/incoming-transfer.js";
import type { SignalingError } from "../signaling/signaling-error.js";
import { DEFAULT_SPEAKING, type SpeakingOptions } from "./speaking.js";

// GroupCall's options, events and peer snapshots, apart from its logic.

/** One other participant as we see them: a new frozen snapshot after every change. */
export interface GroupPeer {
  readonly name: string;
  /**
   * Their media, once a track arrived: show it with `video.srcObject = stream`. In an SFU call
   * their camera and microphone as the media server forwards them (null while it is interrupted).
   */
  readonly stream: MediaStream | null;
  /** Their microphone and camera are on (their `media-state`; on until they say otherwise). */
  readonly audio: boolean;
  readonly video: boolean;
  /**
   * The connection's quality, measured every `qualityIntervalMs` (SFU: their streams' inbound
   * stats on our subscriber connection); null before the first.
   */
  readonly quality: CallQuality | null;
  /** Their audio level says they are talking (with hysteresis, see SpeakingDetector). */
  readonly speaking: boolean;
  /**
   * The pair's RTCPeerConnection.connectionState (SFU: our subscriber connection's, the one that
   * brings their media; "disconnected" while the media server is interrupted), e.g. to show
   * "connecting" on the tile.
   */
  readonly connection: RTCPeerConnectionState;
  /**
   * Their screen share while they present (its own stream; their `media-state` names it, or in
   * an SFU call the media server's m-line of source "screen"), else null.
   */
  readonly screen: MediaStream | null;
}

/** Why we are out of the group call. */
export type GroupLeaveReason =
  /** leave() (or dispose()). */
  | "left"
  /** joinRoom() took us to another room: its group call is another one. */
  | "room-changed"
  /**
   * The signaling client closed, or came back from a fresh session (a server restart, an expired
   * resume) under another name: nobody can reach us under the old one.
   */
  | "signaling-lost"
  /**
   * After a fresh session, the server did not let us back into the call (an `error` event with
   * its reason comes first, e.g. "group-call-full": others took the places meanwhile).
   */
  | "rejoin-refused"
  /**
   * A moderator ended the room's group call for everyone (`moderated` "end-call"): the server
   * took everyone out, so no hang-up or `group-leave` is sent; every pair is closed all the same.
   */
  | "ended-by-moderator"
  /** The server no longer lists us in the call for no reason we know of. */
  | "error";

/**
 * The media server's state for an SFU group call (GroupCall.mediaServer, the `media-server`
 * event). `interrupted`: it went away (`reason` says what happened, for the user); the tiles
 * stay, without media, until it is `ready` again (a new `epoch`), when the SDK publishes and
 * subscribes again by itself.
 */
export interface MediaServerState {
  readonly state: "ready" | "interrupted";
  readonly epoch: number;
  readonly reason: string | null;
}

/** A tile's rendered size, in CSS pixels (see GroupCall.setVideoSize). */
export interface VideoSize {
  readonly width: number;
  readonly height: number;
}

export interface GroupCallEvents {
  /** The room's group call changed (whether we are in it or not): its participants in join order. */
  participants: (names: readonly string[]) => void;
  /** We connect to one more participant (its stream follows in `peer-updated`). */
  "peer-joined": (peer: GroupPeer) => void;
  /** A participant left, hung up on us, or its connection failed: drop its tile. */
  "peer-left": (name: string) => void;
  /** A peer's stream, media state, quality or speaking changed. */
  "peer-updated": (peer: GroupPeer) => void;
  /** A peer's screen share started or stopped (null); also in its GroupPeer's `screen`. */
  "screen-share": (name: string, stream: MediaStream | null) => void;
  /** Our screen share started, was replaced, or stopped (null), also by the browser's own "Stop sharing". */
  "local-screen-share": (stream: MediaStream | null) => void;
  /** join() succeeded: we are in the call. */
  joined: () => void;
  /** We are out of the call (after a `peer-left` for each peer). */
  left: (reason: GroupLeaveReason) => void;
  /** A participant offers us a file (`transfer.peer` says who): accept() or decline() it. */
  "file-offer": (transfer: IncomingFileTransfer) => void;
  /**
   * SFU calls: the media server became ready (also the first time) or was interrupted; say so
   * when it is interrupted, and when it is ready again after that.
   */
  "media-server": (state: MediaServerState) => void;
  /** Something failed outside any promise (local media, a pair's negotiation, a malformed file offer). */
  error: (error: SignalingError | Error) => void;
}

export interface GroupCallOptions {
  /**
   * Our camera and microphone: a stream (the app's: never stopped here), null (receive only),
   * or a function called at each join() (its stream is the SDK's: stopped at leave). Default null.
   */
  localMedia: LocalMedia;
  /** Peer connection settings; `iceServers` defaults to the server's (welcome, then `ice-servers`). */
  rtcConfiguration: RTCConfiguration;
  /** ICE restart timing per pair (see IceRecoveryOptions). */
  iceRecovery: Partial<IceRecoveryOptions>;
  /** How often each peer's audio level is sampled for `speaking`. */
  speakingIntervalMs: number;
  speaking: SpeakingOptions;
  /** How often each pair's stats are read for `quality`. */
  qualityIntervalMs: number;
  /** A pair whose connection failed is offered again after this (by the later joiner of the two). */
  repairDelayMs: number;
  /**
   * After a fresh session (a server restart, an expired resume) we join the new server's call
   * again and keep our pairs: this is how long a peer may be missing from that call before its
   * pair is dropped ("peer-left"). Default (undefined): the server's resume window from
   * `welcome`, else 30 s.
   */
  rejoinGraceMs: number | undefined;
  /** Default: the global one. Inject to run outside a browser. */
  RTCPeerConnection: RTCPeerConnectionConstructor | undefined;
  MediaStream: MediaStreamConstructor | undefined;
}

export const DEFAULT_GROUP_CALL_OPTIONS = Object.freeze({
  localMedia: null,
  rtcConfiguration: {},
  iceRecovery: {},
  speakingIntervalMs: 200,
  speaking: DEFAULT_SPEAKING,
  qualityIntervalMs: 2_000,
  repairDelayMs: 1_000,
  rejoinGraceMs: undefined,
});
