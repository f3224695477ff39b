import { replaceLocalTrack, type TrackTarget } from "../call/replace-local-track.js";
import type { OutgoingMessage } from "../signaling/signaling-types.js";

/**
 * Our microphone and camera in a group call: switched with `track.enabled` (the tracks stay,
 * so switching back needs no renegotiation), and told to the others with `media-state`, along
 * with our screen share's stream id.
 */
export class OwnMedia {
  #audio = true;
  #video = true;
  #stream: MediaStream | null = null;
  #screen: string | null = null;

  constructor(private readonly send: (message: OutgoingMessage) => void) {}

  get audio(): boolean {
    return this.#audio;
  }

  get video(): boolean {
    return this.#video;
  }

  /** Our camera and microphone while in the call (null: receive only, or not in the call). */
  get stream(): MediaStream | null {
    return this.#stream;
  }

  set stream(stream: MediaStream | null) {
    this.#stream = stream;
    this.#applyToTracks();
  }

  /** Switches one on or off; `tell`: say so, untargeted: the server hands it to our call partners, that is, our pairs. */
  switch(kind: "audio" | "video", enabled: boolean, tell: boolean): void {
    if (kind === "audio") this.#audio = enabled;
    else this.#video = enabled;
    this.#applyToTracks();
    if (tell) this.send(this.#state());
  }

  /** Our screen share's stream id (null: none), told to every partner. */
  setScreen(streamId: string | null, tell: boolean): void {
    this.#screen = streamId;
    if (tell) this.send(this.#state());
  }

  /**
   * A device switch: `track` replaces our camera or microphone of its kind in the stream (so
   * later joiners get it) and on each of `calls` (RTCRtpSender.replaceTrack: no renegotiation,
   * no gap); it keeps the old track's `enabled`, so our switches stay as they were. Resolves
   * with the replaced track, the caller's now to stop. Rejects when not in the call (no stream)
   * or when we send no track of that kind.
   */
  replace(track: MediaStreamTrack, calls: Iterable<TrackTarget>, onError: (error: unknown) => void): Promise<MediaStreamTrack | null> {
    if (!this.#stream) return Promise.reject(new Error("GroupCall.replaceTrack: not in the call, or in it receive-only."));
    return replaceLocalTrack(this.#stream, calls, track, onError);
  }

  /** Our state to one peer, for its tile of us. */
  tell(target: string): void {
    this.send({ ...this.#state(), target });
  }

  #state(): OutgoingMessage {
    // No `screen` when not sharing: the message as before screen sharing existed.
    return { type: "media-state", audio: this.#audio, video: this.#video, ...(this.#screen === null ? {} : { screen: this.#screen }) };
  }

  #applyToTracks(): void {
    const stream = this.#stream;
    if (!stream) return;
    for (const track of stream.getAudioTracks()) track.enabled = this.#audio;
    for (const track of stream.getVideoTracks()) track.enabled = this.#video;
  }
}
