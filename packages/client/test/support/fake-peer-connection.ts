/**
 * A stand-in for RTCPeerConnection with the signaling state machine of JSEP, enough to run
 * perfect negotiation in Node: offers/answers, implicit rollback, negotiationneeded (only when
 * stable), trickled candidates, and "connected" once both descriptions are in place.
 * Media and ICE themselves are not simulated; Chromium e2e tests cover those.
 */
let nextId = 0;
const tick = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

type Description = { type: RTCSdpType; sdp: string };

type FakeSendParameters = { degradationPreference?: string; encodings: { scaleResolutionDownBy?: number }[] };

/** A sender: which track it sends (null: none, nothing goes out). */
export class FakeSender {
  track: { kind: string } | null = null;
  constructor(private readonly sent: unknown[]) {}
  async replaceTrack(track: { kind: string } | null): Promise<void> {
    this.track = track;
    if (track) this.sent.push(track);
  }
  setStreams(): void {}
  parameters: FakeSendParameters = { encodings: [{}] };
  getParameters(): FakeSendParameters {
    return structuredClone(this.parameters);
  }
  async setParameters(parameters: FakeSendParameters): Promise<void> {
    this.parameters = structuredClone(parameters);
  }
}

let nextTrackId = 0;

/** What a transceiver receives: its track (id as in stats' trackIdentifier), its audio level, its stats. */
export class FakeReceiver {
  readonly track: { kind: string; id: string };
  /** Test control: the level getSynchronizationSources reports (undefined: no source yet). */
  audioLevel: number | undefined;

  constructor(kind: string) {
    this.track = { kind, id: `remote-${kind}-${++nextTrackId}` };
  }

  getSynchronizationSources(): { audioLevel?: number }[] {
    return this.audioLevel === undefined ? [] : [{ audioLevel: this.audioLevel }];
  }

  async getStats(): Promise<Map<string, Record<string, unknown>>> {
    const id = `IN-${this.track.id}`;
    const entry = { id, type: "inbound-rtp", kind: this.track.kind, trackIdentifier: this.track.id, timestamp: Date.now(), packetsReceived: 50, packetsLost: 0, bytesReceived: 2000 };
    return new Map([[id, this.track.kind === "video" ? { ...entry, framesDecoded: 20 } : entry]]);
  }
}

/**
 * A transceiver; its m-line kind is the receiver track's kind, as in browsers. Changing its
 * direction needs negotiation. Its `mid` comes with the first description that has its m-line.
 */
export class FakeTransceiver {
  readonly receiver: FakeReceiver;
  mid: string | null = null;
  /** The encodings it was added with (simulcast: one per layer). */
  sendEncodings: RTCRtpEncodingParameters[] = [];
  #direction: string;

  constructor(
    kind: string,
    direction: string,
    readonly sender: FakeSender,
    /** The stream ids it was added with (its msid). */
    readonly streamIds: string[],
    private readonly negotiationNeeded: () => void,
  ) {
    this.receiver = new FakeReceiver(kind);
    this.#direction = direction;
  }

  get kind(): string {
    return this.receiver.track.kind;
  }

  get direction(): string {
    return this.#direction;
  }

  set direction(direction: string) {
    if (direction === this.#direction) return;
    this.#direction = direction;
    this.negotiationNeeded();
  }
}

export class FakePeerConnection {
  static readonly instances: FakePeerConnection[] = [];
  readonly id = ++nextId;
  signalingState: RTCSignalingState = "stable";
  connectionState: RTCPeerConnectionState = "new";
  localDescription: Description | null = null;
  remoteDescription: Description | null = null;
  onnegotiationneeded: ((event: unknown) => void) | null = null;
  onicecandidate: ((event: { candidate: unknown }) => void) | null = null;
  ontrack: ((event: unknown) => void) | null = null;
  onconnectionstatechange: ((event: unknown) => void) | null = null;
  /** Every track a sender was given (addTrack, replaceTrack): media that would be sent. */
  readonly tracks: unknown[] = [];
  /** Every transceiver, in m-line order. */
  readonly transceivers: FakeTransceiver[] = [];
  readonly addedCandidates: RTCIceCandidateInit[] = [];
  /** Every description set, in order, for assertions: "local:offer", "remote:answer", ... */
  readonly log: string[] = [];
  restarts = 0;
  #offers = 0;
  #negotiationNeeded = false;
  /** A transceiver added while answering: a new m-line, which the answer cannot carry. */
  #neededAfterAnswer = false;

  constructor(public configuration?: RTCConfiguration) {
    FakePeerConnection.instances.push(this);
  }

  getConfiguration(): RTCConfiguration {
    return { ...this.configuration };
  }

  setConfiguration(configuration: RTCConfiguration): void {
    this.configuration = configuration;
  }

  /** Takes a transceiver the remote offer made for this kind, if one is free, like browsers. */
  addTrack(track: { kind: string }): unknown {
    this.tracks.push(track);
    let transceiver = this.transceivers.find((t) => t.receiver.track.kind === track.kind && !t.sender.track && t.direction === "recvonly");
    if (transceiver) transceiver.direction = "sendrecv";
    else this.transceivers.push((transceiver = this.#transceiver(track.kind, "sendrecv", [])));
    transceiver.sender.track = track;
    this.#needNegotiation();
    return transceiver.sender;
  }

  /** A kind (receive-only, or held: no track yet) or a track (a screen share), as the Call adds them. */
  addTransceiver(
    trackOrKind: string | { kind: string },
    init?: { direction?: string; streams?: { id: string }[]; sendEncodings?: RTCRtpEncodingParameters[] },
  ): FakeTransceiver {
    const track = typeof trackOrKind === "string" ? null : trackOrKind;
    const transceiver = this.#transceiver(track?.kind ?? (trackOrKind as string), init?.direction ?? "sendrecv", init?.streams?.map((s) => s.id) ?? []);
    transceiver.sendEncodings = structuredClone(init?.sendEncodings ?? []);
    if (track) void transceiver.sender.replaceTrack(track);
    this.transceivers.push(transceiver);
    if (this.signalingState === "have-remote-offer") this.#neededAfterAnswer = true;
    this.#needNegotiation();
    return transceiver;
  }

  getSenders(): FakeSender[] {
    return this.senders;
  }

  /** Every transceiver's sender, in m-line order. */
  get senders(): FakeSender[] {
    return this.transceivers.map((t) => t.sender);
  }

  getTransceivers(): FakeTransceiver[] {
    return [...this.transceivers];
  }

  /** Tracks on senders right now: what is being sent. */
  get sendingTracks(): unknown[] {
    return this.transceivers.flatMap((t) => (t.sender.track && t.direction.includes("send") ? [t.sender.track] : []));
  }

  // File transfers listen for `datachannel`; this fake opens no data channels.
  addEventListener(): void {}
  removeEventListener(): void {}

  restartIce(): void {
    this.restarts += 1;
    this.#needNegotiation();
  }

  async setLocalDescription(description?: { type: RTCSdpType }): Promise<void> {
    await tick();
    this.#assertOpen();
    const type = description?.type ?? (this.signalingState === "have-remote-offer" ? "answer" : "offer");
    if (type === "rollback") {
      if (this.signalingState !== "have-local-offer") throw invalidState(`rollback in ${this.signalingState}`);
      this.signalingState = "stable";
      this.localDescription = null;
      this.log.push("rollback");
      return;
    }
    if (type === "offer") {
      if (this.signalingState !== "stable" && this.signalingState !== "have-local-offer") throw invalidState(`offer in ${this.signalingState}`);
      this.localDescription = { type, sdp: `m=${this.transceivers.map((t) => t.receiver.track.kind).join(",")} offer ${this.id}.${++this.#offers}` };
      this.signalingState = "have-local-offer";
      this.#negotiationNeeded = false;
      this.transceivers.forEach((t, index) => (t.mid ??= String(index)));
    } else if (type === "answer") {
      if (this.signalingState !== "have-remote-offer") throw invalidState(`answer in ${this.signalingState}`);
      this.localDescription = { type, sdp: `answer ${this.id}` };
      this.signalingState = "stable";
      this.#negotiationNeeded = this.#neededAfterAnswer;
      this.#neededAfterAnswer = false;
    } else {
      throw new Error(`unsupported ${type}`);
    }
    this.log.push(`local:${type}`);
    this.#trickle();
    this.#settled();
  }

  async setRemoteDescription(description: Description): Promise<void> {
    await tick();
    this.#assertOpen();
    if (description.type === "offer") {
      if (this.signalingState === "have-local-offer") {
        this.log.push("rollback");
        this.signalingState = "stable"; // Implicit rollback, as browsers do.
      }
      if (this.signalingState !== "stable") throw invalidState(`remote offer in ${this.signalingState}`);
      this.signalingState = "have-remote-offer";
      this.#addOfferedTransceivers(description.sdp);
    } else if (description.type === "answer") {
      if (this.signalingState !== "have-local-offer") throw invalidState(`remote answer in ${this.signalingState}`);
      this.signalingState = "stable";
    }
    this.remoteDescription = description;
    this.log.push(`remote:${description.type}`);
    this.#settled();
  }

  async addIceCandidate(candidate: RTCIceCandidateInit): Promise<void> {
    await Promise.resolve(); // Settles before the "connected" timer, so tests can count candidates then.
    if (!this.remoteDescription) throw invalidState("addIceCandidate without a remote description");
    this.addedCandidates.push(candidate);
  }

  async getStats(): Promise<Map<string, Record<string, unknown>>> {
    const now = Date.now();
    return new Map([
      ["T", { id: "T", type: "transport", timestamp: now, selectedCandidatePairId: "P" }],
      ["P", { id: "P", type: "candidate-pair", timestamp: now, currentRoundTripTime: 0.012 }],
      ["V", { id: "V", type: "inbound-rtp", kind: "video", timestamp: now, packetsReceived: 99, packetsLost: 1, bytesReceived: 5000, framesDecoded: 30 }],
    ]);
  }

  /** Test control: pretend ICE moved to `state`. */
  setConnectionState(state: RTCPeerConnectionState): void {
    this.connectionState = state;
    this.onconnectionstatechange?.({});
  }

  close(): void {
    this.signalingState = "closed";
    this.connectionState = "closed";
  }

  #assertOpen(): void {
    if (this.signalingState === "closed") throw invalidState("closed");
  }

  #needNegotiation(): void {
    this.#negotiationNeeded = true;
    setTimeout(() => this.#fireNegotiationNeeded(), 0);
  }

  #fireNegotiationNeeded(): void {
    if (!this.#negotiationNeeded || this.signalingState !== "stable") return;
    this.#negotiationNeeded = false;
    this.onnegotiationneeded?.({});
  }

  /** Back in stable: connect once both sides are described, and renegotiate if still needed. */
  #settled(): void {
    if (this.signalingState !== "stable") return;
    if (this.localDescription && this.remoteDescription && this.connectionState !== "connected") {
      setTimeout(() => {
        if (this.signalingState === "stable") this.setConnectionState("connected");
      }, 0);
    }
    if (this.#negotiationNeeded) setTimeout(() => this.#fireNegotiationNeeded(), 0);
  }

  /**
   * The offer's m-lines beyond ours become receiving transceivers; each m-line's mid is its
   * index, or the one the fake SDP names ("m=audio,video", or "m=audio:a0,video:v1").
   */
  #addOfferedTransceivers(sdp: string): void {
    const lines = /m=([a-z0-9:,._-]*)/.exec(sdp)?.[1]?.split(",").filter(Boolean) ?? [];
    lines.forEach((line, index) => {
      const [kind = "", mid = String(index)] = line.split(":");
      let transceiver = this.transceivers[index];
      if (!transceiver) this.transceivers.push((transceiver = this.#transceiver(kind, "recvonly", [])));
      transceiver.mid ??= mid;
    });
  }

  #transceiver(kind: string, direction: string, streamIds: string[]): FakeTransceiver {
    return new FakeTransceiver(kind, direction, new FakeSender(this.tracks), streamIds, () => this.#needNegotiation());
  }

  #trickle(): void {
    const init = { candidate: `candidate:${this.id} 1 udp 1 127.0.0.1 ${9000 + this.id} typ host`, sdpMid: "0", sdpMLineIndex: 0 };
    setTimeout(() => this.onicecandidate?.({ candidate: { ...init, toJSON: () => init } }), 0);
  }
}

function invalidState(message: string): Error {
  const error = new Error(`InvalidStateError: ${message}`);
  error.name = "InvalidStateError";
  return error;
}

/** The constructor, typed for the `RTCPeerConnection` option. */
export const FakeRTCPeerConnection = FakePeerConnection as unknown as new (configuration?: RTCConfiguration) => RTCPeerConnection;
