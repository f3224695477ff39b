/**
 * Our camera and microphone on one peer connection: at most one sender per kind, found again
 * later to start sending (a held call accepted) or to swap a device.
 *
 * Held media is how a 1:1 call connects while it rings: the audio and video transceivers are
 * negotiated as sendrecv, so ICE and DTLS complete during ringing, but their senders carry no
 * track, so not one packet of media leaves before `release()`. Releasing is replaceTrack only:
 * no renegotiation, so media starts within a frame of the accept.
 */
export type LocalKind = "audio" | "video";

/**
 * How long a released video sender starts gently. Chrome's encoder starts from a low bandwidth
 * estimate (no media has flowed yet) and by default drops its first frames to step the
 * resolution down (its "initial frame drop"), and a full-size first keyframe takes long to pace
 * out at that estimate. So a sender that starts on accept sends half the camera's width and
 * height, and keeps that size (no frames dropped), for this long; then full size and the
 * default adaptation, on a real estimate by now. Together some 120 ms sooner to the first
 * frame (docs/performance.md, "Accept to media").
 */
export const VIDEO_GENTLE_START_MS = 1_500;

export class LocalSenders {
  readonly #pc: RTCPeerConnection;
  readonly #senders = new Map<LocalKind, RTCRtpSender>();
  /** Tracks waiting for release(), by kind (held only). */
  readonly #waiting = new Map<LocalKind, MediaStreamTrack>();
  #held: boolean;
  #restoreTimers: ReturnType<typeof setTimeout>[] = [];

  constructor(peerConnection: RTCPeerConnection, held: boolean) {
    this.#pc = peerConnection;
    this.#held = held;
  }

  /** Not sending yet: release() starts it. */
  get held(): boolean {
    return this.#held;
  }

  /**
   * The initiator's tracks, before its first offer. Held: sendrecv transceivers without tracks
   * (the tracks wait). No stream: receive audio and video, so there is something to negotiate.
   */
  addForOffer(stream: MediaStream | null): void {
    if (!stream) {
      this.#pc.addTransceiver("audio", { direction: "recvonly" });
      this.#pc.addTransceiver("video", { direction: "recvonly" });
      return;
    }
    for (const track of stream.getTracks()) {
      const kind = track.kind as LocalKind;
      if (this.#senders.has(kind)) continue;
      if (!this.#held) {
        this.#senders.set(kind, this.#pc.addTrack(track, stream));
        continue;
      }
      const transceiver = this.#pc.addTransceiver(kind, { direction: "sendrecv", streams: [stream] });
      this.#senders.set(kind, transceiver.sender);
      this.#waiting.set(kind, track);
    }
  }

  /**
   * The answerer's tracks, after the first remote offer is set and before answering: they take
   * the offer's transceivers (addTrack reuses them), so the answer needs no new m-line. Held with
   * no stream yet (the camera opens at accept): each offered kind is answered sendrecv anyway,
   * so release() can start it without renegotiating.
   */
  addForAnswer(stream: MediaStream | null): void {
    if (!this.#held) {
      for (const track of stream?.getTracks() ?? []) {
        const kind = track.kind as LocalKind;
        if (!this.#senders.has(kind)) this.#senders.set(kind, this.#pc.addTrack(track, stream!));
      }
      return;
    }
    for (const transceiver of this.#pc.getTransceivers()) {
      const kind = transceiver.receiver.track.kind as LocalKind;
      if (this.#senders.has(kind) || transceiver.sender.track || transceiver.direction === "stopped") continue;
      if (kind !== "audio" && kind !== "video") continue;
      const track = stream?.getTracks().find((candidate) => candidate.kind === kind);
      if (stream && !track) continue; // We have no such device: stay receive-only for this kind.
      transceiver.direction = "sendrecv";
      if (stream) transceiver.sender.setStreams?.(stream);
      this.#senders.set(kind, transceiver.sender);
      if (track) this.#waiting.set(kind, track);
    }
  }

  /**
   * Starts sending. `stream` (answerer accepting with media opened only now) fills the senders
   * answered without a track; a kind it lacks goes receive-only, and a kind nobody offered is
   * added (those two renegotiate, the common case does not).
   */
  async release(stream?: MediaStream | null): Promise<void> {
    if (!this.#held) return;
    this.#held = false;
    const tracks = new Map(this.#waiting);
    this.#waiting.clear();
    for (const track of stream?.getTracks() ?? []) {
      const kind = track.kind as LocalKind;
      if (!tracks.has(kind)) tracks.set(kind, track);
    }
    const starts: Promise<void>[] = [];
    for (const [kind, sender] of this.#senders) {
      const track = tracks.get(kind);
      tracks.delete(kind);
      if (track) starts.push(kind === "video" ? this.#startVideo(sender, track) : sender.replaceTrack(track));
      else this.#stopSendingKind(sender);
    }
    // Left over: kinds only `stream` has (the waiting tracks all had senders).
    for (const track of tracks.values()) this.#senders.set(track.kind as LocalKind, this.#pc.addTrack(track, stream!));
    await Promise.all(starts);
  }

  /**
   * Sends `track` on our sender of its kind (a device switch): replaceTrack, same transceiver,
   * so no renegotiation and no gap. Held, it only takes the waiting track's place. No sender of
   * that kind (yet): nothing to do, an answerer attaches later from the local stream, which
   * already holds the new track. Other senders (a screen share) are never ours to touch.
   */
  async replace(track: MediaStreamTrack): Promise<void> {
    const kind = track.kind as LocalKind;
    const sender = this.#senders.get(kind);
    if (!sender) return;
    if (this.#held) {
      if (this.#waiting.has(kind)) this.#waiting.set(kind, track);
    } else if (sender.track !== track) {
      await sender.replaceTrack(track);
    }
  }

  /** Stops pending work (the call ended). */
  stop(): void {
    for (const timer of this.#restoreTimers.splice(0)) clearTimeout(timer);
  }

  async #startVideo(sender: RTCRtpSender, track: MediaStreamTrack): Promise<void> {
    // Both queue in order on the sender; not waiting between them saves a hop to the media thread.
    const gentle = startGently(sender);
    await sender.replaceTrack(track);
    const restore = await gentle;
    if (restore) this.#restoreTimers.push(setTimeout(() => void restore(), VIDEO_GENTLE_START_MS));
  }

  /** A kind answered sendrecv that we turn out to have no device for: receive it only. */
  #stopSendingKind(sender: RTCRtpSender): void {
    const transceiver = this.#pc.getTransceivers().find((candidate) => candidate.sender === sender);
    if (transceiver) transceiver.direction = "recvonly";
  }
}

type SendParameters = RTCRtpSendParameters & { degradationPreference?: RTCDegradationPreference };

/**
 * Half size and no frame dropping (see VIDEO_GENTLE_START_MS); resolves to what puts the
 * sender's own settings back, or null where setParameters refused (an older browser, a closed
 * connection).
 */
async function startGently(sender: RTCRtpSender): Promise<(() => Promise<void>) | null> {
  try {
    const parameters = sender.getParameters() as SendParameters;
    const encodings = parameters.encodings ?? [];
    const before = { preference: parameters.degradationPreference, scales: encodings.map((encoding) => encoding.scaleResolutionDownBy) };
    parameters.degradationPreference = "maintain-resolution";
    for (const encoding of encodings) encoding.scaleResolutionDownBy = (encoding.scaleResolutionDownBy ?? 1) * 2;
    await sender.setParameters(parameters);
    return async () => {
      const now = sender.getParameters() as SendParameters;
      if (before.preference === undefined) delete now.degradationPreference;
      else now.degradationPreference = before.preference;
      (now.encodings ?? []).forEach((encoding, i) => {
        const scale = before.scales[i];
        if (scale === undefined) delete encoding.scaleResolutionDownBy;
        else encoding.scaleResolutionDownBy = scale;
      });
      await sender.setParameters(now).catch(() => undefined);
    };
  } catch {
    return null;
  }
}
