/**
 * One peer connection's screen shares, both ways.
 *
 * Ours goes on a transceiver of its own, next to the camera's (which keeps going). Adding it
 * renegotiates; sharing another screen later replaces the track (no renegotiation); stopping
 * takes the track off and stops sending (a renegotiation), and the transceiver is kept for the
 * next share. The side that did not start the call waits for the first remote offer, as it does
 * with its camera, so that a share started early does not collide with that offer.
 *
 * Theirs is told explicitly, never guessed from track order: their `media-state` names the
 * MediaStream (its id) their screen arrives in. Tracks of that stream are the screen's; the Call
 * keeps them out of its camera stream.
 */
export interface CallScreenHost {
  /** Their screen share appeared (its stream) or ended (null). */
  remoteChanged(stream: MediaStream | null): void;
  error(error: unknown): void;
}

export class CallScreen {
  #transceiver: RTCRtpTransceiver | null = null;
  /** A share asked for before we may add transceivers (see ready()). */
  #pending: { track: MediaStreamTrack; stream: MediaStream } | null = null;
  #ready: boolean;
  /** The stream id their last `media-state` named (null: not sharing). */
  #remoteId: string | null = null;
  /** The last stream their screen arrived in (kept: a share stopped and started again reuses it). */
  #remoteStream: MediaStream | null = null;
  #shown: MediaStream | null = null;

  constructor(
    private readonly peerConnection: RTCPeerConnection,
    initiator: boolean,
    private readonly host: CallScreenHost,
  ) {
    this.#ready = initiator;
  }

  /** Their screen share, while they share. */
  get remoteStream(): MediaStream | null {
    return this.#shown;
  }

  /**
   * Sends `track` as our screen. `stream` is the stream the others know the share by (see
   * ScreenShare): only its id matters, and only the first time; later shares replace the track.
   */
  share(track: MediaStreamTrack, stream: MediaStream): void {
    if (!this.#ready) {
      this.#pending = { track, stream };
      return;
    }
    const transceiver = this.#transceiver;
    if (!transceiver) {
      this.#transceiver = this.peerConnection.addTransceiver(track, { direction: "sendrecv", streams: [stream] });
      return;
    }
    transceiver.sender.replaceTrack(track).catch((error: unknown) => this.host.error(error));
    if (transceiver.direction !== "sendrecv") transceiver.direction = "sendrecv";
  }

  /** Stops sending our screen (renegotiates). */
  unshare(): void {
    this.#pending = null;
    const transceiver = this.#transceiver;
    if (!transceiver || transceiver.direction === "recvonly") return;
    transceiver.sender.replaceTrack(null).catch((error: unknown) => this.host.error(error));
    // Still receiving: the other side may have put a track of its own on this transceiver.
    transceiver.direction = "recvonly";
  }

  /** The first remote offer is in: a share asked for meanwhile goes out now. Idempotent. */
  ready(): void {
    this.#ready = true;
    const pending = this.#pending;
    this.#pending = null;
    if (pending) this.share(pending.track, pending.stream);
  }

  /** Their `media-state` said which stream is their screen (null: none). */
  setRemote(streamId: string | null): void {
    this.#remoteId = streamId;
    this.#show(streamId !== null && this.#remoteStream?.id === streamId ? this.#remoteStream : null);
  }

  /** A remote track: true when it belongs to their screen share (so it is not their camera's). */
  claims(event: RTCTrackEvent): boolean {
    const stream = event.streams[0];
    if (!stream || this.#remoteId === null || stream.id !== this.#remoteId) return false;
    this.#remoteStream = stream;
    this.#show(stream);
    return true;
  }

  #show(stream: MediaStream | null): void {
    if (stream === this.#shown) return;
    this.#shown = stream;
    this.host.remoteChanged(stream);
  }
}
