import type { GroupCallMedia } from "@switchboard/protocol";
import type { CallEndReason } from "../call/call-state.js";
import type { TrackTarget } from "../call/replace-local-track.js";
import type { ScreenTarget } from "../media/screen-share.js";
import type { GroupPeer } from "./group-call-types.js";
import type { PeerMediaState } from "./peer-tile.js";
import type { Polled } from "./peer-polling.js";

/** What a media engine tells its GroupCall, which turns it into GroupCallEvents. */
export interface EngineHost {
  /** A participant's tile is there (again, after a switch of engines: then it is news, not a join). */
  peerJoined(peer: GroupPeer): void;
  peerUpdated(peer: GroupPeer): void;
  /** A tile went: dropped, or its connection ended by itself. */
  peerLeft(name: string): void;
  /** Their screen share started or stopped (null). */
  screenShared(name: string, stream: MediaStream | null): void;
  /**
   * A new tile: tell `name` our media state (and, in a mesh, give its pair our screen share,
   * `target`), before anything else goes to it.
   */
  introduce(name: string, target?: ScreenTarget): void;
  /** The `media-state` that `name` sent before it had a tile, taken once. */
  earlyState(name: string): PeerMediaState | undefined;
  error(error: unknown): void;
}

/**
 * How a group call's media flows to the participants the GroupCall lists: each pair directly
 * (MeshEngine), or through the media server (SfuEngine). A GroupCall runs one while we are in
 * the call, and another when the call's media changes; it keeps what does not depend on it: the
 * participant list, the stay, our own media and screen share, the clocks, the events.
 */
export interface MediaEngine {
  readonly media: GroupCallMedia;
  /** The tiles, by participant name. */
  readonly peers: ReadonlyMap<string, GroupPeer>;
  /** The call lists `participants` (us too): a tile for each one that has none. */
  connect(participants: readonly string[]): void;
  /** `name` is out (its tile goes: `peerLeft`); `notify`: tell it so, where the engine has a way to. */
  drop(name: string, notify: boolean, reason: CallEndReason): void;
  /** `name`'s `media-state`; false when it has no tile here. */
  mediaState(name: string, state: PeerMediaState): boolean;
  /** `name` is in the new server's call with us again, after a fresh session. */
  back(name: string): void;
  /** Where our screen share goes now. */
  screenTargets(): Iterable<ScreenTarget>;
  /** What sends our camera and microphone now (device switches). */
  trackTargets(): Iterable<TrackTarget>;
  /** The tiles' speaking and quality readings, for the group call's clocks. */
  polled(): Iterable<Polled>;
  setIceServers(iceServers: RTCIceServer[]): void;
  /** Closes every connection and tile, quietly (no `peerLeft`): the stay ended or another engine takes over. */
  close(): void;
}
