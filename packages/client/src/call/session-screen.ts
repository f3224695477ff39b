import { ScreenShare, type ScreenSharing } from "../media/screen-share.js";
import type { Call } from "./call.js";

/** A 1:1 call's `media-state`, before the manager addresses it to the remote user. */
export interface SessionMediaState {
  type: "media-state";
  audio: boolean;
  video: boolean;
  screen: string | null;
}

export interface SessionScreenHost {
  /** Sends to the remote user, in this call (target and call id added). */
  send(message: SessionMediaState): void;
  /** The remote user speaks only the article's protocol: it gets no `media-state`. */
  readonly legacy: boolean;
  /** Our share started, was replaced or stopped (null). */
  local(stream: MediaStream | null): void;
  /** Theirs. */
  remote(stream: MediaStream | null): void;
}

/**
 * The screen shares of a 1:1 call: ours over the session's one Call (ScreenShare), announced
 * with a targeted `media-state`, and theirs, named by their `media-state`, which may come before
 * our peer connection exists.
 */
export class SessionScreen {
  readonly #share: ScreenShare;
  #call: Call | null = null;
  #remoteId: string | null = null;
  /** Our screen's track, left out of the microphone/camera state we report. */
  #track: MediaStreamTrack | null = null;

  constructor(private readonly host: SessionScreenHost) {
    this.#share = new ScreenShare({
      // Held (ringing, connected early): nothing may be sent before the accept, a share neither.
      unavailable: () => (this.#call && !this.#call.ended && !this.#call.mediaHeld ? null : "the call is not connecting or connected"),
      calls: () => (this.#call ? [this.#call] : []),
      announce: (screen) => this.#announce(screen),
      changed: (stream) => {
        this.#track = stream?.getVideoTracks()[0] ?? null;
        host.local(stream);
      },
    });
  }

  /** Ours, for the app. */
  get share(): ScreenSharing {
    return this.#share;
  }

  get remoteStream(): MediaStream | null {
    return this.#call?.remoteScreenStream ?? null;
  }

  attach(call: Call): void {
    this.#call = call;
    call.setRemoteScreen(this.#remoteId);
    call.on("screen-share", (stream) => this.host.remote(stream));
  }

  /** Their `media-state` named their screen's stream (null: none). */
  remoteState(screen: string | null): void {
    this.#remoteId = screen;
    this.#call?.setRemoteScreen(screen);
  }

  /** The call ended: stop capturing. */
  close(): void {
    this.#share.close();
  }

  #announce(screen: string | null): void {
    if (!this.#call || this.host.legacy) return;
    // What we send apart from the screen, as the other side would see it.
    const tracks = this.#call.peerConnection
      .getSenders()
      .map((sender) => sender.track)
      .filter((track): track is MediaStreamTrack => track !== null && track !== this.#track && track.enabled);
    const audio = tracks.some((track) => track.kind === "audio");
    const video = tracks.some((track) => track.kind === "video");
    this.host.send({ type: "media-state", audio, video, screen });
  }
}
