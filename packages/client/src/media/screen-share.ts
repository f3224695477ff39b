/**
 * Where a screen share comes from: a function that opens a capture (its stream is the SDK's:
 * stopped when the share or the call ends), or a stream the app opened itself (never stopped
 * by the SDK). Only the stream's first video track is sent.
 */
export type ScreenSource = MediaStream | (() => Promise<MediaStream>);

/** The default source: the browser asks which screen, window or tab (video only). */
export function displayMedia(): Promise<MediaStream> {
  const devices = (globalThis as { navigator?: { mediaDevices?: Partial<MediaDevices> } }).navigator?.mediaDevices;
  if (typeof devices?.getDisplayMedia !== "function") {
    return Promise.reject(new TypeError("Screen sharing: no getDisplayMedia here; pass a stream or a function that opens one."));
  }
  return devices.getDisplayMedia({ video: true, audio: false });
}

/**
 * A call's screen sharing as the app drives it (`CallSession.screenShare`, `GroupCall.screenShare`):
 * one share per user, on its own track next to the camera, and the others are told which stream
 * it is. The browser's own "Stop sharing" stops it too (a `local-screen-share` event says so).
 */
export interface ScreenSharing {
  /** Our share's stream while sharing (for a preview), else null. */
  readonly stream: MediaStream | null;
  /**
   * Shares a screen, window or tab: by default the browser asks which (getDisplayMedia; call
   * this from a click). Sharing again replaces the share. A `source` function's capture is the
   * SDK's (stopped when the share or the call ends); a stream stays the app's. Rejects when the
   * call cannot take it yet, or the capture is refused (NotAllowedError: the user closed the picker).
   */
  start(source?: ScreenSource): Promise<MediaStream>;
  /** Stops our share: the others stop receiving it and are told. */
  stop(): void;
}

/** Where a share goes: a peer connection (Call), or the media server's publisher in an SFU call. */
export interface ScreenTarget {
  /** Sends `track` as our screen, in a stream known by `stream`'s id; again: replaces the track. */
  shareScreen(track: MediaStreamTrack, stream: MediaStream): void;
  stopScreenShare(): void;
}

/** What a ScreenShare needs from its owner (a 1:1 session, a group-call stay). */
export interface ScreenShareHost {
  /** Why there is no call to share to now (an Error's message), or null when there is. */
  unavailable(): string | null;
  /** Where to share to now (the peer connections). */
  calls(): Iterable<ScreenTarget>;
  /** Tells the peers which stream is our screen (null: none), before the offers that add it. */
  announce(streamId: string | null): void;
  /** Our share started, was replaced, or stopped (null). */
  changed(stream: MediaStream | null): void;
}

interface Capture {
  readonly stream: MediaStream;
  readonly track: MediaStreamTrack;
  /** The SDK opened it (a ScreenSource function): it stops it. */
  readonly owned: boolean;
  readonly onEnded: () => void;
}

/**
 * One user's screen share in a call: at most one at a time, sent to every peer connection of
 * the call (and to those that come later: addCall). Starting another replaces the track.
 * The browser's own "Stop sharing" ends the track: that stops the share, and the peers are
 * told. Whoever opened the capture stops it (see ScreenSource); close() at the call's end.
 */
export class ScreenShare implements ScreenSharing {
  #capture: Capture | null = null;
  /**
   * The stream the peers know our share by: the first one shared in this call. A later share
   * replaces only the track, so the id the remote side matches stays the same.
   */
  #wire: MediaStream | null = null;
  /** Bumped by every start, stop and close: a capture that opens after a newer one is dropped. */
  #generation = 0;

  constructor(private readonly host: ScreenShareHost) {}

  get stream(): MediaStream | null {
    return this.#capture?.stream ?? null;
  }

  /** The stream id our `media-state` announces, while sharing. */
  get streamId(): string | null {
    return this.#capture && this.#wire ? this.#wire.id : null;
  }

  /**
   * See ScreenSharing. The source function is called at once (not after an await), so a browser
   * still sees the click that asked for it. Also rejects when the stream has no video, or the
   * call ended (or stop() came) while it opened.
   */
  async start(source: ScreenSource = displayMedia): Promise<MediaStream> {
    const unavailable = this.host.unavailable();
    if (unavailable !== null) throw new Error(`Screen sharing: ${unavailable}.`);
    const generation = ++this.#generation;
    const owned = typeof source === "function";
    const stream = owned ? await source() : source;
    const track = stream.getVideoTracks()[0];
    const superseded = generation !== this.#generation;
    if (!track || superseded || track.readyState === "ended") {
      if (owned) stopTracks(stream);
      if (!track) throw new TypeError("Screen sharing: the stream has no video track.");
      throw new Error(superseded ? "Screen sharing: stopped before the capture opened." : "Screen sharing: the capture already ended.");
    }
    const previous = this.#capture;
    const onEnded = () => {
      if (this.#capture?.track === track) this.stop();
    };
    track.addEventListener("ended", onEnded);
    this.#capture = { stream, track, owned, onEnded };
    const wire = (this.#wire ??= stream);
    if (!previous) this.host.announce(wire.id);
    for (const call of this.host.calls()) call.shareScreen(track, wire);
    if (previous) release(previous);
    this.host.changed(stream);
    return stream;
  }

  /** See ScreenSharing; a capture the SDK opened is stopped. */
  stop(): void {
    this.#generation += 1;
    const capture = this.#capture;
    if (!capture) return;
    this.#capture = null;
    this.host.announce(null);
    for (const call of this.host.calls()) call.stopScreenShare();
    release(capture);
    this.host.changed(null);
  }

  /** @internal A peer connection made while sharing (a late joiner, a repaired pair) gets the share too. */
  addCall(call: ScreenTarget): void {
    if (this.#capture && this.#wire) call.shareScreen(this.#capture.track, this.#wire);
  }

  /** @internal The call is over (its peer connections with it): stop capturing, tell nobody. Idempotent. */
  close(): void {
    this.#generation += 1;
    this.#wire = null;
    const capture = this.#capture;
    if (!capture) return;
    this.#capture = null;
    release(capture);
    this.host.changed(null);
  }
}

function release(capture: Capture): void {
  capture.track.removeEventListener("ended", capture.onEnded);
  if (capture.owned) stopTracks(capture.stream);
}

function stopTracks(stream: MediaStream): void {
  for (const track of stream.getTracks()) track.stop();
}
