import type { ScreenSharing } from "../media/screen-share.js";
import { TypedEmitter, type Disposer } from "../typed-emitter.js";
import { FileTransfers } from "../files/file-transfers.js";
import type { IncomingFileTransfer } from "../files/incoming-transfer.js";
import type { OutgoingFileTransfer } from "../files/outgoing-transfer.js";
import type { Call, NegotiationMessage } from "./call.js";
import type { CallQuality } from "./call-quality.js";
import { replaceStreamTrack } from "../media/stream-tracks.js";
import { assertCallTransition, isActiveCallState, type CallEndReason, type CallState } from "./call-state.js";
import { SessionScreen, type SessionMediaState } from "./session-screen.js";

export interface CallSessionEvents {
  /** The call moved to another state (see CallState). */
  state: (state: CallState, previous: CallState) => void;
  /** A remote track arrived. */
  track: (track: MediaStreamTrack, streams: readonly MediaStream[]) => void;
  /** The remote stream gained a track: show it with `video.srcObject = stream`. */
  "remote-stream": (stream: MediaStream) => void;
  /** The media connection's state (RTCPeerConnection.connectionState), e.g. to show "reconnecting". */
  "connection-state": (state: RTCPeerConnectionState) => void;
  /** The remote user's screen share started (its own stream, apart from `remote-stream`) or stopped (null). */
  "screen-share": (stream: MediaStream | null) => void;
  /** Our screen share started, was replaced, or stopped (null), also by the browser's own "Stop sharing". */
  "local-screen-share": (stream: MediaStream | null) => void;
  /** The call is over; emitted once, right after the `state` event for "ended". */
  ended: (reason: CallEndReason) => void;
  /** The other side offers a file: accept() or decline() it (see sendFile). */
  "file-offer": (transfer: IncomingFileTransfer) => void;
  /** A file offer from the other side broke the file protocol (malformed, too many at once) and was dropped. */
  "file-error": (error: Error) => void;
}

/** What a session asks its manager to do; the manager owns signaling and timers. */
export interface CallSessionController {
  accept(session: CallSession, localStream: MediaStream | null | undefined): Promise<void>;
  decline(session: CallSession): void;
  hangUp(session: CallSession): void;
  /** Sends the remote user our `media-state` in this call. */
  send(session: CallSession, message: SessionMediaState): void;
}

export interface CallSessionInit {
  id: string;
  remote: string;
  direction: "outgoing" | "incoming";
  /** The remote user speaks only the article's protocol: no ringing messages, no callId. */
  legacy: boolean;
  /** What the caller said it sends (from `call-invite`), when known. */
  media?: { audio: boolean; video: boolean } | undefined;
}

/** Signals that arrive before the peer connection exists (an article caller trickles at once). */
const MAX_EARLY_SIGNALS = 512;

/**
 * One 1:1 call as the app sees it: its state, its remote media, and what the user can do
 * (accept, decline, cancel, hang up). The CallManager creates it and drives its state.
 */
export class CallSession {
  readonly remote: string;
  readonly direction: "outgoing" | "incoming";
  readonly legacy: boolean;
  readonly media: { audio: boolean; video: boolean } | undefined;
  readonly #events = new TypedEmitter<CallSessionEvents>();
  #id: string;
  #state: CallState = "idle";
  #endReason: CallEndReason | null = null;
  #call: Call | null = null;
  #early: NegotiationMessage[] = [];
  #localStream: Promise<MediaStream | null> = Promise.resolve(null);
  readonly #screen: SessionScreen;
  #files: FileTransfers | null = null;

  constructor(
    init: CallSessionInit,
    private readonly controller: CallSessionController,
  ) {
    this.#id = init.id;
    this.remote = init.remote;
    this.direction = init.direction;
    this.legacy = init.legacy;
    this.media = init.media;
    this.#screen = new SessionScreen({
      send: (message) => controller.send(this, message),
      legacy: init.legacy,
      local: (stream) => this.#events.emit("local-screen-share", stream),
      remote: (stream) => this.#events.emit("screen-share", stream),
    });
  }

  on<E extends keyof CallSessionEvents>(event: E, listener: CallSessionEvents[E]): Disposer {
    return this.#events.on(event, listener);
  }

  /** The call id shared by both sides (for article clients a local one, never sent). */
  get id(): string {
    return this.#id;
  }

  get state(): CallState {
    return this.#state;
  }

  get endReason(): CallEndReason | null {
    return this.#endReason;
  }

  /** Ringing or in the call. */
  get active(): boolean {
    return isActiveCallState(this.#state);
  }

  /**
   * The peer connection: while it rings already when connecting while ringing (media held
   * until the accept), else from "connecting" on.
   */
  get call(): Call | null {
    return this.#call;
  }

  get remoteStream(): MediaStream | null {
    return this.#call?.remoteStream ?? null;
  }

  /**
   * Incoming only: answers. `localStream` overrides the manager's local media for this call
   * (null: receive only; a stream given here stays the app's to stop). Rejects if the call is
   * not ringing any more.
   */
  accept(localStream?: MediaStream | null): Promise<void> {
    return this.controller.accept(this, localStream);
  }

  /** Incoming only, while ringing: says no ("declined" at the caller). */
  decline(): void {
    this.controller.decline(this);
  }

  /** Outgoing, while ringing: stops ringing at the callee. Same as hangUp() then. */
  cancel(): void {
    this.controller.hangUp(this);
  }

  /** Ends the call whatever its state: cancels, declines or hangs up as fits. */
  hangUp(): void {
    this.controller.hangUp(this);
  }

  /** Our screen share, from "connecting" on: `session.screenShare.start()` from a click. */
  get screenShare(): ScreenSharing {
    return this.#screen.share;
  }

  /** The remote user's screen share, while they share. */
  get remoteScreenStream(): MediaStream | null {
    return this.#screen.remoteStream;
  }

  /**
   * Offers a file to the other side over a data channel of its own (see FileTransfers): watch
   * the transfer's events for progress and its end. Throws before the call is connected, and
   * with an article client (it does not speak the file protocol).
   */
  sendFile(file: Blob, options?: { name?: string }): OutgoingFileTransfer {
    if (this.legacy) throw new Error(`CallSession.sendFile: ${this.remote} uses a client that cannot receive files.`);
    if (this.#state !== "connected" || !this.#files) throw new Error("CallSession.sendFile: the call is not connected.");
    return this.#files.send(file, options);
  }

  /** A quality snapshot, or null before the peer connection exists. */
  async getStats(): Promise<CallQuality | null> {
    return this.#call && !this.#call.ended ? this.#call.getStats() : null;
  }

  /**
   * Sends `track` instead of our camera or microphone of its kind for the rest of the call (a
   * device switch), ringing or connected: RTCRtpSender.replaceTrack, so no renegotiation and no
   * gap at the other side. Mute carries over (track.enabled). Resolves with the track it
   * replaced, which is yours now (stop it); the new one is stopped with the call if the SDK
   * opened the stream (a `localMedia` function). Rejects when the call is over or sends no
   * track of that kind (receive-only, audio-only).
   */
  async replaceTrack(track: MediaStreamTrack): Promise<MediaStreamTrack | null> {
    const stream = await this.#localStream;
    if (this.#state === "ended") throw new Error("CallSession.replaceTrack: the call is over.");
    if (!stream) throw new Error(`CallSession.replaceTrack: this call sends no media, so there is no ${track.kind} track to replace.`);
    const replaced = replaceStreamTrack(stream, track);
    await this.#call?.replaceLocalTrack(track);
    return replaced;
  }

  // --- driven by the CallManager --------------------------------------------------------------

  /** @internal Invite glare: we take the other side's call id. */
  adoptId(id: string): void {
    this.#id = id;
  }

  /** @internal */
  transition(to: CallState): void {
    const from = this.#state;
    assertCallTransition(from, to);
    this.#state = to;
    this.#events.emit("state", to, from);
  }

  /** @internal The local media this call sends, once known (for replaceTrack). */
  useLocalStream(stream: Promise<MediaStream | null>): void {
    this.#localStream = stream;
  }

  /** @internal Keeps a negotiation signal until the peer connection exists, or feeds it. */
  deliver(message: NegotiationMessage): void {
    if (this.#call) void this.#call.handleSignal(message);
    else if (this.#early.length < MAX_EARLY_SIGNALS) this.#early.push(message);
  }

  /** @internal Their `media-state` named their screen share's stream (null: none). */
  remoteScreen(streamId: string | null): void {
    this.#screen.remoteState(streamId);
  }

  /** @internal The peer connection exists: forward its events and feed it what came early. */
  attach(call: Call): void {
    this.#call = call;
    this.#screen.attach(call);
    call.on("track", (track, streams) => this.#events.emit("track", track, streams));
    call.on("remote-stream", (stream) => this.#events.emit("remote-stream", stream));
    call.on("connection-state", (state) => this.#events.emit("connection-state", state));
    if (!this.legacy) {
      this.#files = new FileTransfers(call.peerConnection, this.remote);
      this.#files.on("offer", (transfer) => this.#events.emit("file-offer", transfer));
      this.#files.on("error", (error) => this.#events.emit("file-error", error));
    }
    for (const message of this.#early.splice(0)) void call.handleSignal(message);
  }

  /** @internal Drops the peer connection (invite glare: we answer theirs instead); signals for the next one wait. */
  detach(): void {
    const call = this.#call;
    this.#call = null;
    this.#files?.close("The call was replaced.");
    this.#files = null;
    call?.end("cancelled");
  }

  /** @internal */
  finish(reason: CallEndReason): void {
    if (this.#endReason !== null) return;
    this.#endReason = reason;
    this.#early = [];
    // "ended" before closing the peer connection, so its own `ended` event finds the call over.
    this.transition("ended");
    this.#files?.close("The call ended.");
    this.#call?.end(reason);
    this.#screen.close();
    this.#events.emit("ended", reason);
  }
}
