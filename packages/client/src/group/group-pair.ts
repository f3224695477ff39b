import { Call, type CallOptions, type NegotiationMessage } from "../call/call.js";
import type { CallEndReason } from "../call/call-state.js";
import { FileTransfers } from "../files/file-transfers.js";
import type { IncomingFileTransfer } from "../files/incoming-transfer.js";
import type { GroupPeer } from "./group-call-types.js";
import { remoteAudioLevel, SpeakingDetector, type SpeakingOptions } from "./speaking.js";

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

/** What a peer's `media-state` says: microphone, camera, and its screen share's stream id. */
export interface PeerMediaState {
  audio: boolean;
  video: boolean;
  screen: string | null;
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
  readonly #speaking: SpeakingDetector;
  #peer: GroupPeer;
  #closed = false;
  #sampling = false;
  #measuring = false;

  constructor(
    init: GroupPairInit,
    private readonly host: GroupPairHost,
  ) {
    this.name = init.call.remote;
    this.callId = init.call.callId ?? "";
    this.#speaking = new SpeakingDetector(init.speaking);
    this.#peer = Object.freeze({
      name: this.name,
      stream: null,
      audio: init.mediaState?.audio ?? true,
      video: init.mediaState?.video ?? true,
      quality: null,
      speaking: false,
      connection: "new",
      screen: null,
    });
    this.call = new Call(init.call);
    this.call.setRemoteScreen(init.mediaState?.screen ?? null);
    this.call.on("screen-share", (screen) => {
      this.#update({ screen });
      if (!this.#closed) host.screenShared(this, screen);
    });
    this.files = new FileTransfers(this.call.peerConnection, this.name);
    this.files.on("offer", (transfer) => host.fileOffer(transfer));
    this.files.on("error", (error) => host.error(error));
    this.call.on("remote-stream", (stream) => this.#update({ stream }));
    this.call.on("connection-state", (connection) => this.#update({ connection }));
    this.call.on("error", (error) => host.error(error));
    this.call.on("ended", (reason) => {
      if (!this.#closed) host.ended(this, reason);
    });
  }

  get peer(): GroupPeer {
    return this.#peer;
  }

  deliver(message: NegotiationMessage): void {
    void this.call.handleSignal(message);
  }

  /** Their `media-state`. */
  mediaState({ audio, video, screen }: PeerMediaState): void {
    this.#update({ audio, video });
    this.call.setRemoteScreen(screen);
  }

  /** One audio-level sample for `speaking` (skipped while the previous one is still running). */
  async sample(): Promise<void> {
    if (this.#sampling || this.#closed) return;
    this.#sampling = true;
    try {
      const level = await remoteAudioLevel(this.call.peerConnection);
      if (!this.#closed && this.#speaking.sample(level)) this.#update({ speaking: this.#speaking.speaking });
    } catch (error) {
      this.host.error(error);
    } finally {
      this.#sampling = false;
    }
  }

  /** Reads the pair's stats for `quality`. */
  async measure(): Promise<void> {
    if (this.#measuring || this.#closed || this.call.ended) return;
    this.#measuring = true;
    try {
      const quality = await this.call.getStats();
      if (!this.#closed) this.#update({ quality });
    } catch (error) {
      this.host.error(error);
    } finally {
      this.#measuring = false;
    }
  }

  /** Closes the peer connection; says nothing to the other side (the GroupCall does). Idempotent. */
  close(reason: CallEndReason): void {
    if (this.#closed) return;
    this.#closed = true;
    this.files.close("The call with them ended.");
    this.call.end(reason);
  }

  #update(change: Partial<Omit<GroupPeer, "name">>): void {
    if (this.#closed) return;
    const next = { ...this.#peer, ...change };
    // A stream that gained a track, or a new measurement, is news even when equal.
    const news = change.stream !== undefined || change.quality !== undefined;
    const same = (Object.keys(change) as (keyof typeof change)[]).every((key) => next[key] === this.#peer[key]);
    if (same && !news) return;
    this.#peer = Object.freeze(next);
    this.host.updated(this);
  }
}
