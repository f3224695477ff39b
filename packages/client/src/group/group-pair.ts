import { Call, type CallOptions, type NegotiationMessage } from "../call/call.js";
import type { CallEndReason } from "../call/call-state.js";
import { FileTransfers } from "../files/file-transfers.js";
import type { IncomingFileTransfer } from "../files/incoming-transfer.js";
import type { GroupPeer } from "./group-call-types.js";
import { PeerTile, type PeerMediaState } from "./peer-tile.js";
import { remoteAudioLevel, type SpeakingOptions } from "./speaking.js";

export type { PeerMediaState };

/** What a pair needs from its GroupCall. */
export interface GroupPairHost {
  /** The peer snapshot changed. */
  updated(pair: GroupPair): void;
  /** The peer connection ended by itself (ICE gave up, nothing gathered). */
  ended(pair: GroupPair, reason: CallEndReason): void;
  /** Their screen share started or stopped (null). */
  screenShared(pair: GroupPair, stream: MediaStream | null): void;
  error(error: unknown): void;
  /** The participant offers us a file. */
  fileOffer(transfer: IncomingFileTransfer): void;
}

export interface GroupPairInit {
  /** The Call's options: remote, callId, roles, local stream, how to send, the RTC settings. */
  call: CallOptions;
  speaking: SpeakingOptions;
  /** A `media-state` that came before the pair existed. */
  mediaState?: PeerMediaState | undefined;
}

/**
 * One pair of a group call's mesh, seen from our side: a Call (perfect negotiation, candidate
 * buffering, ICE restart) to one other participant, and that participant's tile as the app
 * shows it (stream, media state, quality, speaking), as a fresh frozen snapshot per change.
 */
export class GroupPair {
  readonly name: string;
  readonly callId: string;
  readonly call: Call;
  /** Files to and from this participant, over the pair's peer connection. */
  readonly files: FileTransfers;
  readonly #tile: PeerTile;

  constructor(
    init: GroupPairInit,
    private readonly host: GroupPairHost,
  ) {
    this.name = init.call.remote;
    this.callId = init.call.callId ?? "";
    this.#tile = new PeerTile(this.name, init.speaking, init.mediaState, { changed: () => host.updated(this), error: (error) => host.error(error) });
    this.call = new Call(init.call);
    this.call.setRemoteScreen(init.mediaState?.screen ?? null);
    this.call.on("screen-share", (screen) => {
      this.#tile.update({ screen });
      if (!this.#tile.closed) host.screenShared(this, screen);
    });
    this.files = new FileTransfers(this.call.peerConnection, this.name);
    this.files.on("offer", (transfer) => host.fileOffer(transfer));
    this.files.on("error", (error) => host.error(error));
    this.call.on("remote-stream", (stream) => this.#tile.update({ stream }));
    this.call.on("connection-state", (connection) => this.#tile.update({ connection }));
    this.call.on("error", (error) => host.error(error));
    this.call.on("ended", (reason) => {
      if (!this.#tile.closed) host.ended(this, reason);
    });
  }

  get peer(): GroupPeer {
    return this.#tile.peer;
  }

  deliver(message: NegotiationMessage): void {
    void this.call.handleSignal(message);
  }

  /** Their `media-state`. */
  mediaState({ audio, video, screen }: PeerMediaState): void {
    this.#tile.update({ audio, video });
    this.call.setRemoteScreen(screen);
  }

  /** One audio-level sample for `speaking`. */
  sample(): Promise<void> {
    return this.#tile.sample(() => remoteAudioLevel(this.call.peerConnection));
  }

  /** Reads the pair's stats for `quality`. */
  measure(): Promise<void> {
    return this.#tile.measure(async () => (this.call.ended ? null : this.call.getStats()));
  }

  /** Closes the peer connection; says nothing to the other side (the GroupCall does). Idempotent. */
  close(reason: CallEndReason): void {
    if (this.#tile.closed) return;
    this.#tile.close();
    this.files.close("The call with them ended.");
    this.call.end(reason);
  }
}
