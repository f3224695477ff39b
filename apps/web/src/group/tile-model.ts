import { describeQuality, qualityLevel, type QualityLevel } from "../format.js";

/** What a tile needs of a group-call peer (the SDK's GroupPeer has this shape). */
export interface TilePeer {
  readonly stream: MediaStream | null;
  readonly audio: boolean;
  readonly video: boolean;
  readonly speaking: boolean;
  readonly quality: { roundTripTimeMs: number | null; packetLossPercent: number | null } | null;
  /** The pair's RTCPeerConnection state. */
  readonly connection?: RTCPeerConnectionState;
}

export interface LocalTileState {
  stream: MediaStream | null;
  audio: boolean;
  video: boolean;
}

/** One tile of the grid, as plain data. */
export interface TileModel {
  /** The participant's name; the key of the tile. */
  name: string;
  self: boolean;
  stream: MediaStream | null;
  /** Microphone on (false: the muted mark). */
  audio: boolean;
  /** Camera on (false: the camera-off mark, and the name instead of the picture). */
  video: boolean;
  speaking: boolean;
  /** "unknown" also while the connection to this peer is still being set up. */
  quality: QualityLevel;
  qualityText: string;
  /** No working connection to this participant (just joined, negotiating, or reconnecting). */
  connecting: boolean;
}

export interface GroupTileInput {
  self: string;
  /** The room's group call, in join order. */
  participants: readonly string[];
  peers: ReadonlyMap<string, TilePeer>;
  local: LocalTileState;
}

/**
 * The grid's tiles: yourself first, then everyone else in the order they joined. The room's
 * participant list decides who has a tile (a tab that closes leaves it at once); the peers give
 * each tile its media, marks and quality.
 */
export function groupTiles({ self, participants, peers, local }: GroupTileInput): TileModel[] {
  const tiles: TileModel[] = [
    { name: self, self: true, stream: local.stream, audio: local.audio, video: local.video, speaking: false, quality: "unknown", qualityText: "", connecting: false },
  ];
  for (const name of participants) {
    if (name === self) continue;
    const peer = peers.get(name);
    tiles.push(peer ? remoteTile(name, peer) : { name, self: false, stream: null, audio: true, video: true, speaking: false, quality: "unknown", qualityText: "connecting…", connecting: true });
  }
  return tiles;
}

function remoteTile(name: string, peer: TilePeer): TileModel {
  const input = peer.quality
    ? { rttMs: peer.quality.roundTripTimeMs, lossFraction: peer.quality.packetLossPercent === null ? null : peer.quality.packetLossPercent / 100 }
    : {};
  return {
    name,
    self: false,
    stream: peer.stream,
    audio: peer.audio,
    video: peer.video,
    speaking: peer.speaking && peer.audio,
    quality: qualityLevel(input),
    qualityText: describeQuality(input),
    connecting: peer.stream === null || (peer.connection !== undefined && peer.connection !== "connected"),
  };
}

/** The banner's sentence about the room's group call. */
export function groupSummary(participants: readonly string[], self: string | null, joined: boolean): string {
  if (participants.length === 0) return "No group call in this room yet.";
  const others = participants.filter((name) => name !== self);
  if (joined) return others.length === 0 ? "You are in the group call, waiting for others." : `You are in the group call with ${listNames(others)}.`;
  return `Group call going on with ${listNames(participants)}.`;
}

function listNames(names: readonly string[]): string {
  if (names.length <= 1) return names.join("");
  return `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`;
}
