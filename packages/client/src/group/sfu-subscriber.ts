import type { SfuOfferMessage, SfuStream, TrackSource } from "@switchboard/protocol";
import { candidateInit, type MediaStreamConstructor } from "../call/call.js";

/** What a subscriber needs from its SFU engine. */
export interface SubscriberHost {
  /** Sends our answer to the latest offer (`sfu-subscribe-answer`). */
  answer(sdp: { type: "answer"; sdp: string }): Promise<void>;
  /** A local ICE candidate to trickle (null: gathering is complete). */
  candidate(candidate: RTCIceCandidateInit | null): void;
  /** What arrives changed (an offer was applied): the tiles' media may have. */
  changed(): void;
  connectionState(state: RTCPeerConnectionState): void;
  error(error: unknown): void;
}

/** One participant's media as we receive it: camera and microphone together, the screen apart. */
export interface ReceivedMedia {
  readonly stream: MediaStream | null;
  readonly screen: MediaStream | null;
}

export const NO_MEDIA: ReceivedMedia = Object.freeze({ stream: null, screen: null });

interface Streams {
  camera: MediaStream;
  screen: MediaStream;
}

/**
 * Everyone else's media from the media server in an SFU group call, on a peer connection of its
 * own (a new one at each epoch): the server offers (`sfu-offer`) whenever what we receive changes,
 * and we answer, one offer at a time, in order. Which participant and source each m-line carries
 * is what the offer's `streams` say, never guessed from the SDP: after each offer every
 * participant's tracks are gathered anew by mid, and an m-line missing from `streams` carries
 * nobody's media any more. Each participant keeps its MediaStreams while it has tracks, so a
 * video element showing one goes on playing as tracks come and go.
 */
export class SfuSubscriber {
  readonly #pc: RTCPeerConnection;
  #streams: readonly SfuStream[] = [];
  readonly #media = new Map<string, Streams>();
  #inbox: Promise<void> = Promise.resolve();
  #closed = false;

  constructor(
    peerConnection: RTCPeerConnection,
    private readonly MediaStream: MediaStreamConstructor,
    private readonly host: SubscriberHost,
  ) {
    this.#pc = peerConnection;
    peerConnection.onicecandidate = ({ candidate }) => {
      if (!this.#closed) host.candidate(candidate ? candidateInit(candidate) : null);
    };
    peerConnection.onconnectionstatechange = () => {
      if (!this.#closed) host.connectionState(peerConnection.connectionState);
    };
  }

  get peerConnection(): RTCPeerConnection {
    return this.#pc;
  }

  get connectionState(): RTCPeerConnectionState {
    return this.#pc.connectionState;
  }

  /** Takes an offer of the media server (after the ones before it) and answers it. */
  offer(message: SfuOfferMessage): void {
    this.#inbox = this.#inbox
      .then(() => this.#answer(message))
      .catch((error: unknown) => {
        if (!this.#closed) this.host.error(error);
      });
  }

  /** `name`'s media now. */
  media(name: string): ReceivedMedia {
    const streams = this.#media.get(name);
    if (!streams) return NO_MEDIA;
    const shown = (stream: MediaStream) => (stream.getTracks().length > 0 ? stream : null);
    return { stream: shown(streams.camera), screen: shown(streams.screen) };
  }

  /** The receivers of `name`'s m-lines of those sources (for audio levels and stats). */
  receivers(name: string, sources: readonly TrackSource[]): RTCRtpReceiver[] {
    const byMid = this.#transceivers();
    return this.#streams
      .filter((stream) => stream.name === name && sources.includes(stream.source))
      .flatMap((stream) => byMid.get(stream.mid)?.receiver ?? []);
  }

  /** The camera m-lines now: mid -> whose. */
  cameras(): Map<string, string> {
    return new Map(this.#streams.filter((stream) => stream.source === "camera").map((stream) => [stream.mid, stream.name]));
  }

  /** Closes the connection. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#pc.onicecandidate = this.#pc.onconnectionstatechange = null;
    this.#pc.close();
  }

  async #answer(message: SfuOfferMessage): Promise<void> {
    const pc = this.#pc;
    if (this.#closed) return;
    await pc.setRemoteDescription({ type: "offer", sdp: message.sdp.sdp });
    await pc.setLocalDescription();
    if (this.#closed) return;
    this.#streams = message.streams;
    this.#gather();
    this.host.changed();
    await this.host.answer({ type: "answer", sdp: pc.localDescription?.sdp ?? "" });
  }

  #transceivers(): Map<string, RTCRtpTransceiver> {
    const byMid = new Map<string, RTCRtpTransceiver>();
    for (const transceiver of this.#pc.getTransceivers()) if (transceiver.mid !== null) byMid.set(transceiver.mid, transceiver);
    return byMid;
  }

  /** Each participant's tracks, from the latest `streams`. */
  #gather(): void {
    const byMid = this.#transceivers();
    const wanted = new Map<string, { camera: MediaStreamTrack[]; screen: MediaStreamTrack[] }>();
    for (const { mid, name, source } of this.#streams) {
      const track = byMid.get(mid)?.receiver.track;
      if (!track) continue;
      let tracks = wanted.get(name);
      if (!tracks) wanted.set(name, (tracks = { camera: [], screen: [] }));
      (source === "screen" ? tracks.screen : tracks.camera).push(track);
    }
    for (const [name, streams] of this.#media) {
      if (wanted.has(name)) continue;
      this.#media.delete(name);
      hold(streams.camera, []);
      hold(streams.screen, []);
    }
    for (const [name, tracks] of wanted) {
      let streams = this.#media.get(name);
      if (!streams) this.#media.set(name, (streams = { camera: new this.MediaStream(), screen: new this.MediaStream() }));
      hold(streams.camera, tracks.camera);
      hold(streams.screen, tracks.screen);
    }
  }
}

/** `stream` holds exactly `tracks`. */
function hold(stream: MediaStream, tracks: readonly MediaStreamTrack[]): void {
  for (const track of stream.getTracks()) if (!tracks.includes(track)) stream.removeTrack(track);
  for (const track of tracks) if (!stream.getTracks().includes(track)) stream.addTrack(track);
}
