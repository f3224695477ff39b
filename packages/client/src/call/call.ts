import type { CallMessage } from "@switchboard/protocol";
import { TypedEmitter, type Disposer } from "../typed-emitter.js";
import { CandidateBuffer } from "./candidate-buffer.js";
import { CallScreen } from "./call-screen.js";
import type { CallEndReason } from "./call-state.js";
import { summarizeStats, type CallQuality, type StatsEntry } from "./call-quality.js";
import { GatheringWatch } from "./gathering-watch.js";
import { IceRecovery, type IceRecoveryOptions } from "./ice-recovery.js";
import { LocalSenders } from "./local-senders.js";
import { replaceStreamTrack } from "../media/stream-tracks.js";
import { isOfferCollision, shouldIgnoreOffer } from "./perfect-negotiation.js";

export type RTCPeerConnectionConstructor = new (configuration?: RTCConfiguration) => RTCPeerConnection;
export type MediaStreamConstructor = new (tracks?: MediaStreamTrack[]) => MediaStream;

/** The signals a Call consumes: SDP and candidates, in the article's message shapes. */
export type NegotiationMessage = Extract<CallMessage, { type: "video-offer" | "video-answer" | "new-ice-candidate" }>;

export interface CallEvents {
  /** A remote track arrived (RTCPeerConnection `track` event). */
  track: (track: MediaStreamTrack, streams: readonly MediaStream[]) => void;
  /** The remote stream gained a track: show it with `video.srcObject = stream`. */
  "remote-stream": (stream: MediaStream) => void;
  /** RTCPeerConnection.connectionState changed. */
  "connection-state": (state: RTCPeerConnectionState) => void;
  /** The remote side's screen share started (its own stream, apart from `remote-stream`) or stopped (null). */
  "screen-share": (stream: MediaStream | null) => void;
  /** A negotiation step failed; the call goes on (perfect negotiation retries on the next round). */
  error: (error: unknown) => void;
  /** The peer connection is closed; emitted once. */
  ended: (reason: CallEndReason) => void;
}

export interface CallOptions extends Partial<IceRecoveryOptions> {
  /** The remote user's name: every message goes to it. */
  remote: string;
  /** Sent along with SDP and candidates so stale messages of an older call can be told apart. */
  callId?: string | undefined;
  /** See isPolite(): the polite side yields in an offer collision. */
  polite: boolean;
  /**
   * The initiator adds its tracks at once, which starts negotiation (it sends the first offer).
   * The other side attaches its tracks to the first remote offer's transceivers before
   * answering, so a normal call has no offer collision at all.
   */
  initiator: boolean;
  /** Our camera/microphone; null = receive only (or, held, not opened yet). */
  localStream: MediaStream | null;
  /**
   * Negotiate now, send later: ICE and DTLS complete, but no media leaves until sendMedia().
   * How a 1:1 call connects while it rings (see LocalSenders). Default false.
   */
  holdMedia?: boolean;
  /** Sends a call message through signaling (targeted at `remote` already). */
  send: (message: CallMessage) => void;
  configuration?: RTCConfiguration;
  /** Default: the global RTCPeerConnection. Inject one to run outside a browser. */
  RTCPeerConnection?: RTCPeerConnectionConstructor;
  /** For a remote stream when a track arrives without one. Default: the global MediaStream, if any. */
  MediaStream?: MediaStreamConstructor;
}

/**
 * One RTCPeerConnection to one remote user, negotiated with the W3C/MDN perfect-negotiation
 * pattern (makingOffer / ignoreOffer / isSettingRemoteAnswerPending), so that either side may
 * (re)negotiate at any time — adding a track, restarting ICE — and collisions resolve by role.
 * Incoming signals are processed one at a time, in order.
 */
export class Call {
  readonly remote: string;
  readonly callId: string | undefined;
  readonly polite: boolean;
  readonly peerConnection: RTCPeerConnection;
  readonly #events = new TypedEmitter<CallEvents>();
  readonly #send: (message: CallMessage) => void;
  readonly #candidates = new CandidateBuffer();
  readonly #recovery: IceRecovery;
  readonly #gathering = new GatheringWatch((errors) => {
    const detail = errors.length > 0 ? `: ${errors.join("; ")}` : " (relay-only and no TURN relay?)";
    this.#events.emit("error", new Error(`Call: ICE gathered no candidate, so the call cannot connect${detail}`));
    this.end("connection-failed");
  });
  readonly #MediaStream: MediaStreamConstructor | undefined;
  readonly #screen: CallScreen;
  #makingOffer = false;
  #ignoreOffer = false;
  #isSettingRemoteAnswerPending = false;
  #inbox: Promise<void> = Promise.resolve();
  readonly #local: LocalSenders;
  /** Our tracks are on the connection: the initiator's from the start, the answerer's from its first answer. */
  #localAttached: boolean;
  /** Our camera/microphone (a held callee's comes with sendMedia()), kept current by device switches. */
  #localStream: MediaStream | null;
  #remoteStream: MediaStream | null = null;
  #endReason: CallEndReason | null = null;
  #lastQuality: CallQuality | undefined;

  constructor(options: CallOptions) {
    const PeerConnection =
      options.RTCPeerConnection ?? (globalThis as { RTCPeerConnection?: RTCPeerConnectionConstructor }).RTCPeerConnection;
    if (!PeerConnection) throw new TypeError("Call: no RTCPeerConnection here; pass the `RTCPeerConnection` option.");
    this.remote = options.remote;
    this.callId = options.callId;
    this.polite = options.polite;
    this.#send = options.send;
    this.#localStream = options.localStream;
    this.#MediaStream = options.MediaStream ?? (globalThis as { MediaStream?: MediaStreamConstructor }).MediaStream;
    this.#recovery = new IceRecovery(
      { restartIce: () => this.restartIce(), giveUp: () => this.end("connection-failed") },
      {
        ...(options.disconnectedGraceMs === undefined ? {} : { disconnectedGraceMs: options.disconnectedGraceMs }),
        ...(options.recoveryTimeoutMs === undefined ? {} : { recoveryTimeoutMs: options.recoveryTimeoutMs }),
      },
    );

    const pc = new PeerConnection(options.configuration);
    this.peerConnection = pc;
    this.#screen = new CallScreen(pc, options.initiator, {
      remoteChanged: (stream) => this.#events.emit("screen-share", stream),
      error: (error) => this.#events.emit("error", error),
    });
    // Handlers fire on later tasks, so whoever constructs us can subscribe before anything happens.
    pc.onnegotiationneeded = () => void this.#negotiate();
    pc.onicecandidate = ({ candidate }) => {
      // null marks the end of candidates; the article's client would choke on it, so it is not sent.
      if (!candidate) return;
      this.#gathering.candidate();
      this.#signal({ type: "new-ice-candidate", candidate: candidateInit(candidate) });
    };
    pc.onicecandidateerror = (event) => this.#gathering.candidateError(event as RTCPeerConnectionIceErrorEvent);
    pc.onicegatheringstatechange = () => this.#gathering.gatheringState(pc.iceGatheringState);
    pc.ontrack = (event) => this.#onTrack(event);
    pc.onconnectionstatechange = () => {
      const state = pc.connectionState;
      this.#gathering.connectionState(state);
      this.#events.emit("connection-state", state);
      this.#recovery.update(state);
    };

    this.#local = new LocalSenders(pc, options.holdMedia ?? false);
    this.#localAttached = options.initiator;
    if (options.initiator) this.#local.addForOffer(options.localStream);
  }

  on<E extends keyof CallEvents>(event: E, listener: CallEvents[E]): Disposer {
    return this.#events.on(event, listener);
  }

  get connectionState(): RTCPeerConnectionState {
    return this.peerConnection.connectionState;
  }

  /** The remote side's media, once a track arrived. */
  get remoteStream(): MediaStream | null {
    return this.#remoteStream;
  }

  get ended(): boolean {
    return this.#endReason !== null;
  }

  /** The remote side's screen share, while it shares (their `media-state` named its stream). */
  get remoteScreenStream(): MediaStream | null {
    return this.#screen.remoteStream;
  }

  /**
   * Sends `track` as our screen share, on a transceiver of its own next to the camera (see
   * CallScreen); a second call replaces the track. `stream`'s id is what our `media-state`
   * announces: the remote side knows the share by it.
   */
  shareScreen(track: MediaStreamTrack, stream: MediaStream): void {
    if (!this.ended) this.#screen.share(track, stream);
  }

  /** Stops sending our screen share (renegotiates). */
  stopScreenShare(): void {
    if (!this.ended) this.#screen.unshare();
  }

  /** The remote side's `media-state` named the stream of its screen share (null: it shares none). */
  setRemoteScreen(streamId: string | null): void {
    this.#screen.setRemote(streamId);
  }

  /** Feeds one `video-offer` / `video-answer` / `new-ice-candidate` from the remote user. */
  handleSignal(message: NegotiationMessage): Promise<void> {
    const run = () => (this.ended ? undefined : this.#process(message));
    const step = this.#inbox.then(run).catch((error: unknown) => this.#events.emit("error", error));
    this.#inbox = step;
    return step;
  }

  /** Holding media (holdMedia) and not sent any yet. */
  get mediaHeld(): boolean {
    return this.#local.held;
  }

  /**
   * Starts sending a held call's media: its own tracks, or `stream` when they were not known
   * yet (the callee's camera opens on accept). Swaps tracks in, so it needs no renegotiation
   * unless `stream` lacks a kind that was negotiated, or brings one that was not. Idempotent.
   */
  async sendMedia(stream?: MediaStream | null): Promise<void> {
    if (this.ended) return;
    if (stream !== undefined && !this.#localStream) this.#localStream = stream;
    await this.#local.release(stream);
  }

  /** Asks for new ICE credentials; the resulting offer goes out through negotiation. */
  restartIce(): void {
    if (this.ended || typeof this.peerConnection.restartIce !== "function") return;
    this.peerConnection.restartIce();
  }

  /** New ICE servers (fresh TURN credentials) for later candidate gathering and ICE restarts. */
  setIceServers(iceServers: RTCIceServer[]): void {
    if (this.ended || typeof this.peerConnection.setConfiguration !== "function") return;
    try {
      this.peerConnection.setConfiguration({ ...this.peerConnection.getConfiguration(), iceServers });
    } catch (error) {
      this.#events.emit("error", error);
    }
  }

  /** A quality snapshot; bitrates are relative to the previous call of getStats(). */
  async getStats(): Promise<CallQuality> {
    const report = await this.peerConnection.getStats();
    const quality = summarizeStats(report.values() as Iterable<StatsEntry>, this.#lastQuality);
    this.#lastQuality = quality;
    return quality;
  }

  /**
   * Sends `track` instead of our camera or microphone of its kind (a device switch), with
   * RTCRtpSender.replaceTrack: no renegotiation, no gap at the other side. The local stream
   * holds it in place of the old track from now on (mute carries over; see replaceStreamTrack).
   * Rejects when this call sends no track of that kind (receive-only, audio-only).
   */
  async replaceLocalTrack(track: MediaStreamTrack): Promise<void> {
    if (this.ended) return;
    if (!this.#localStream) throw new Error(`Call.replaceLocalTrack: this call sends no media, so there is no ${track.kind} track to replace.`);
    replaceStreamTrack(this.#localStream, track);
    await this.#local.replace(track);
  }

  /** Closes the peer connection (sends nothing: hanging up is the manager's job). Idempotent. */
  end(reason: CallEndReason): void {
    if (this.#endReason !== null) return;
    this.#endReason = reason;
    this.#recovery.stop();
    this.#local.stop();
    this.#candidates.clear();
    const pc = this.peerConnection;
    pc.onnegotiationneeded = pc.onicecandidate = pc.ontrack = pc.onconnectionstatechange = null;
    pc.onicecandidateerror = pc.onicegatheringstatechange = null;
    pc.close();
    this.#events.emit("ended", reason);
  }

  // --- perfect negotiation ---------------------------------------------------------------------

  async #negotiate(): Promise<void> {
    if (this.ended) return;
    const pc = this.peerConnection;
    try {
      this.#makingOffer = true;
      await pc.setLocalDescription();
      this.#sendLocalDescription();
    } catch (error) {
      this.#events.emit("error", error);
    } finally {
      this.#makingOffer = false;
    }
  }

  async #process(message: NegotiationMessage): Promise<void> {
    if (message.type === "new-ice-candidate") return this.#addRemoteCandidate(message.candidate);
    const description = message.sdp;
    if (description.type !== "offer" && description.type !== "answer") {
      throw new Error(`Call: unsupported remote description type "${description.type}"`);
    }
    const pc = this.peerConnection;
    const collision = isOfferCollision(description.type, {
      makingOffer: this.#makingOffer,
      isSettingRemoteAnswerPending: this.#isSettingRemoteAnswerPending,
      signalingState: pc.signalingState,
    });
    this.#ignoreOffer = shouldIgnoreOffer(this.polite, collision);
    if (this.#ignoreOffer) return;

    this.#isSettingRemoteAnswerPending = description.type === "answer";
    try {
      // On the polite side a colliding offer rolls our own offer back implicitly.
      await pc.setRemoteDescription({ type: description.type, sdp: description.sdp ?? "" });
    } finally {
      this.#isSettingRemoteAnswerPending = false;
    }
    await this.#applyBufferedCandidates();
    if (description.type === "offer") {
      // The answerer's media goes onto the first remote offer's transceivers.
      if (!this.#localAttached) this.#local.addForAnswer(this.#localStream);
      this.#localAttached = true;
      this.#screen.ready();
      await pc.setLocalDescription();
      this.#sendLocalDescription();
    }
  }

  async #addRemoteCandidate(candidate: RTCIceCandidateInit | null): Promise<void> {
    if (!candidate) return;
    if (!this.peerConnection.remoteDescription) {
      this.#candidates.add(candidate);
      return;
    }
    await this.#applyCandidate(candidate);
  }

  async #applyBufferedCandidates(): Promise<void> {
    for (const candidate of this.#candidates.drain()) {
      try {
        await this.peerConnection.addIceCandidate(candidate);
      } catch {
        // Expected after an offer collision: early candidates may belong to the offer that was
        // ignored or rolled back. One failing must not cost the others.
      }
    }
  }

  async #applyCandidate(candidate: RTCIceCandidateInit): Promise<void> {
    try {
      await this.peerConnection.addIceCandidate(candidate);
    } catch (error) {
      // Candidates of an offer we ignored fail by design.
      if (!this.#ignoreOffer) throw error;
    }
  }

  #sendLocalDescription(): void {
    const description = this.peerConnection.localDescription;
    if (!description || this.ended) return;
    const sdp = { type: description.type, sdp: description.sdp };
    if (description.type === "offer") this.#signal({ type: "video-offer", sdp });
    else if (description.type === "answer") this.#signal({ type: "video-answer", sdp });
  }

  // --- media -----------------------------------------------------------------------------------

  #onTrack(event: RTCTrackEvent): void {
    this.#events.emit("track", event.track, event.streams);
    if (this.#screen.claims(event)) return;
    let stream = event.streams[0] ?? this.#remoteStream;
    if (!stream && this.#MediaStream) stream = new this.#MediaStream();
    if (!stream) return;
    if (!stream.getTracks().includes(event.track)) stream.addTrack(event.track);
    this.#remoteStream = stream;
    this.#events.emit("remote-stream", stream);
  }

  #signal(message: { type: "video-offer" | "video-answer"; sdp: { type: RTCSdpType; sdp: string } } | { type: "new-ice-candidate"; candidate: RTCIceCandidateInit }): void {
    if (this.ended) return;
    const routed = { ...message, target: this.remote, ...(this.callId === undefined ? {} : { callId: this.callId }) };
    this.#send(routed as CallMessage);
  }
}

/** RTCIceCandidate -> plain init object (toJSON where available, else the fields by hand). */
export function candidateInit(candidate: RTCIceCandidate): RTCIceCandidateInit {
  if (typeof candidate.toJSON === "function") return candidate.toJSON();
  return {
    candidate: candidate.candidate,
    sdpMid: candidate.sdpMid,
    sdpMLineIndex: candidate.sdpMLineIndex,
    usernameFragment: candidate.usernameFragment,
  };
}
