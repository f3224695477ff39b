import type { SfuPublishMessage, TrackSource } from "@switchboard/protocol";
import { candidateInit } from "../call/call.js";
import { SignalingError } from "../signaling/signaling-error.js";

type PublishedTracks = SfuPublishMessage["tracks"];

/** The camera's simulcast layers, smallest first: the protocol's SimulcastLayer 0, 1 and 2. */
export const SIMULCAST_ENCODINGS: readonly Readonly<RTCRtpEncodingParameters>[] = Object.freeze([
  { rid: "q", scaleResolutionDownBy: 4 },
  { rid: "h", scaleResolutionDownBy: 2 },
  { rid: "f", scaleResolutionDownBy: 1 },
]);

/** What a publisher needs from its SFU engine. */
export interface PublisherHost {
  /** Sends our offer and each sending m-line's source (`sfu-publish`); resolves with the media server's answer. */
  publish(sdp: SfuPublishMessage["sdp"], tracks: PublishedTracks): Promise<{ type: "answer"; sdp: string }>;
  /** A local ICE candidate to trickle (null: gathering is complete). */
  candidate(candidate: RTCIceCandidateInit | null): void;
  error(error: unknown): void;
}

/** What we publish when the publisher starts: our camera and microphone, and our screen share if we present. */
export interface PublishedMedia {
  stream: MediaStream | null;
  screen: { track: MediaStreamTrack; stream: MediaStream } | null;
}

/**
 * Our media to the media server in an SFU group call, on a peer connection of its own (a new one
 * at each epoch of the media server): the microphone, the camera as three simulcast layers
 * (SIMULCAST_ENCODINGS), and while we present the screen share on an m-line of its own (one
 * layer), all sendonly. We always offer: the first publish, then each change of what we send
 * (the screen share on or off) is one more `sfu-publish`, one at a time; a change asked for
 * meanwhile goes out once the answer is in. A later screen share reuses its m-line.
 */
export class SfuPublisher {
  readonly #pc: RTCPeerConnection;
  readonly #sources = new Map<RTCRtpTransceiver, TrackSource>();
  #screen: RTCRtpTransceiver | null = null;
  #started = false;
  #negotiating = false;
  #pending = false;
  #closed = false;

  constructor(
    peerConnection: RTCPeerConnection,
    media: PublishedMedia,
    private readonly host: PublisherHost,
  ) {
    this.#pc = peerConnection;
    peerConnection.onicecandidate = ({ candidate }) => {
      if (!this.#closed) host.candidate(candidate ? candidateInit(candidate) : null);
    };
    const { stream, screen } = media;
    const microphone = stream?.getAudioTracks()[0];
    const camera = stream?.getVideoTracks()[0];
    if (stream && microphone) this.#add(microphone, stream, "microphone");
    if (stream && camera) this.#add(camera, stream, "camera");
    if (screen) this.#screen = this.#add(screen.track, screen.stream, "screen");
  }

  get peerConnection(): RTCPeerConnection {
    return this.#pc;
  }

  /** Publishes what it was made with. */
  start(): void {
    this.#started = true;
    this.#negotiate();
  }

  /** Sends `track` as our screen (renegotiates, unless it replaces the track of a share going on). */
  shareScreen(track: MediaStreamTrack, stream: MediaStream): void {
    const screen = this.#screen;
    if (!screen) {
      this.#screen = this.#add(track, stream, "screen");
      return this.#negotiate();
    }
    screen.sender.replaceTrack(track).catch((error: unknown) => this.host.error(error));
    if (screen.direction === "sendonly") return;
    screen.direction = "sendonly";
    this.#negotiate();
  }

  /** Stops sending our screen: its m-line goes inactive (renegotiates), kept for the next share. */
  stopScreenShare(): void {
    const screen = this.#screen;
    if (!screen || screen.direction === "inactive") return;
    screen.sender.replaceTrack(null).catch((error: unknown) => this.host.error(error));
    screen.direction = "inactive";
    this.#negotiate();
  }

  /** A device switch: `track` instead of our microphone or camera (no renegotiation; the simulcast layers stay). */
  async replaceLocalTrack(track: MediaStreamTrack): Promise<void> {
    const wanted: TrackSource = track.kind === "audio" ? "microphone" : "camera";
    for (const [transceiver, source] of this.#sources) {
      if (source === wanted && !this.#closed) return transceiver.sender.replaceTrack(track);
    }
  }

  /** Closes the connection (the media server unpublishes what it carried). Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#pc.onicecandidate = null;
    this.#pc.close();
  }

  #add(track: MediaStreamTrack, stream: MediaStream, source: TrackSource): RTCRtpTransceiver {
    const sendEncodings = source === "camera" ? { sendEncodings: SIMULCAST_ENCODINGS.map((encoding) => ({ ...encoding })) } : {};
    const transceiver = this.#pc.addTransceiver(track, { direction: "sendonly", streams: [stream], ...sendEncodings });
    this.#sources.set(transceiver, source);
    return transceiver;
  }

  /** The m-lines that send now, and what each carries (mids exist once the offer is set). */
  #tracks(): PublishedTracks {
    const tracks: PublishedTracks = [];
    for (const [transceiver, source] of this.#sources) {
      if (transceiver.direction === "sendonly" && transceiver.mid !== null) tracks.push({ mid: transceiver.mid, source });
    }
    return tracks;
  }

  #negotiate(): void {
    this.#pending = true;
    if (!this.#started || this.#negotiating || this.#closed) return;
    this.#negotiating = true;
    void this.#run();
  }

  async #run(): Promise<void> {
    const pc = this.#pc;
    while (this.#pending && !this.#closed) {
      this.#pending = false;
      try {
        await pc.setLocalDescription();
        const tracks = this.#tracks();
        if (this.#closed) break;
        if (tracks.length === 0) throw new Error("SFU publisher: nothing to publish.");
        const answer = await this.host.publish({ type: "offer", sdp: pc.localDescription?.sdp ?? "" }, tracks);
        if (this.#closed) break;
        await pc.setRemoteDescription({ type: answer.type, sdp: answer.sdp });
      } catch (error) {
        if (this.#closed) break;
        await pc.setLocalDescription({ type: "rollback" }).catch(() => undefined);
        // Lost with the connection: the request may not have reached the server; offer again once back.
        if (error instanceof SignalingError && error.code === "connection-lost") this.#pending = true;
        else this.host.error(error);
      }
    }
    this.#negotiating = false;
  }
}
