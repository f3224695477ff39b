import type { LocalMedia } from "./call-manager-options.js";

/**
 * Who stops a call's camera and microphone. Whoever opens a device stops it:
 *
 * - a stream the app hands over (the `localMedia` option as a MediaStream, or call() and
 *   accept() with one) stays the app's: the SDK never stops it, so one preview can serve many
 *   calls;
 * - a stream a `localMedia` function returns is the SDK's: it was opened for this call, so its
 *   tracks are stopped when the call ends, however it ends, and at once if it arrives after the
 *   call already ended (a slow getUserMedia, a permission prompt answered late).
 *
 * `Owner` is what the media is for (a 1:1 call, a stay in a group call); `isOver` says whether
 * it has already ended.
 */
export class MediaOwnership<Owner extends object> {
  readonly #owned = new WeakMap<Owner, MediaStream>();

  constructor(private readonly isOver: (owner: Owner) => boolean) {}

  /**
   * The local stream for `owner`: `source` itself when it is a stream (or null), else what the
   * function gives. A failing function means receive-only (`onError` hears why).
   */
  acquire(owner: Owner, source: LocalMedia, onError: (error: unknown) => void): Promise<MediaStream | null> {
    if (typeof source !== "function") return Promise.resolve(source);
    return Promise.resolve()
      .then(source)
      .then(
        (stream) => {
          if (!stream) return null;
          if (this.isOver(owner)) {
            stopTracks(stream);
            return null;
          }
          this.#owned.set(owner, stream);
          return stream;
        },
        (error: unknown) => {
          onError(error);
          return null;
        },
      );
  }

  /** The call is over: stop what the SDK opened for it. Idempotent. */
  release(owner: Owner): void {
    const stream = this.#owned.get(owner);
    if (!stream) return;
    this.#owned.delete(owner);
    stopTracks(stream);
  }
}

function stopTracks(stream: MediaStream): void {
  for (const track of stream.getTracks()) track.stop();
}
