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
 * How long a released video sender keeps its resolution whatever the bandwidth estimate.
 * Chrome's encoder starts from a low estimate (no media has flowed yet) and by default drops
 * its first frames to step the resolution down (the "initial frame drop"): some 70 ms more of
 * black at the start of every call (docs/performance.md). Kept this long, the first frame is
 * shown at once; then the sender adapts as usual, on a real estimate by now.
 */
export const KEEP_RESOLUTION_AT_START_MS = 2_000;

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
    for (const track of tracks.values()) {
      if (stream) this.#senders.set(track.kind as LocalKind, this.#pc.addTrack(track, stream));
    }
    await Promise.all(starts);
  }

  /**
   * Sends `track` on our sender of its kind (a device switch): replaceTrack, same transceiver,
   * so no renegotiation and no gap. Held, it only takes the waiting track's place. False: no
   * sender of that kind (yet: an answerer attaches later, from the local stream, which already
   * holds the new track). Other senders (a screen share) are never ours to touch.
   */
  async replace(track: MediaStreamTrack): Promise<boolean> {
    const kind = track.kind as LocalKind;
    const sender = this.#senders.get(kind);
    if (!sender) return false;
    if (this.#held) {
      if (this.#waiting.has(kind)) this.#waiting.set(kind, track);
      return true;
    }
    if (sender.track !== track) await sender.replaceTrack(track);
    return true;
  }

  /** Stops pending work (the call ended). */
  stop(): void {
    for (const timer of this.#restoreTimers.splice(0)) clearTimeout(timer);
  }

  async #startVideo(sender: RTCRtpSender, track: MediaStreamTrack): Promise<void> {
    // Both queue in order on the sender; not waiting between them saves a hop to the media thread.
    const preference = setDegradationPreference(sender, "maintain-resolution");
    await sender.replaceTrack(track);
    const restore = await preference;
    if (restore === null) return;
    this.#restoreTimers.push(setTimeout(() => void setDegradationPreference(sender, restore.previous), KEEP_RESOLUTION_AT_START_MS));
  }

  /** A kind answered sendrecv that we turn out to have no device for: receive it only. */
  #stopSendingKind(sender: RTCRtpSender): void {
    const transceiver = this.#pc.getTransceivers().find((candidate) => candidate.sender === sender);
    if (transceiver) transceiver.direction = "recvonly";
  }
}

/**
 * Sets the sender's degradation preference (undefined: the browser's default); resolves to what
 * it was, or null where setParameters refused (an older browser, a closed connection).
 */
async function setDegradationPreference(
  sender: RTCRtpSender,
  preference: RTCDegradationPreference | undefined,
): Promise<{ previous: RTCDegradationPreference | undefined } | null> {
  try {
    const parameters = sender.getParameters() as RTCRtpSendParameters & { degradationPreference?: RTCDegradationPreference };
    const previous = parameters.degradationPreference;
    if (preference === undefined) delete parameters.degradationPreference;
    else parameters.degradationPreference = preference;
    await sender.setParameters(parameters);
    return { previous };
  } catch {
    return null;
  }
}
