import type { LocalMedia } from "./call-manager-options.js";
import type { CallSession } from "./call-session.js";

/**
 * Who stops a call's camera and microphone. Whoever opens a device stops it:
 *
 * - a stream the app hands over (the `localMedia` option as a MediaStream, or call() and
 *   accept() with one) stays the app's: the SDK never stops it, so one preview can serve many
 *   calls;
 * - a stream a `localMedia` function returns is the SDK's: it was opened for this call, so its
 *   tracks are stopped when the call ends, however it ends, and at once if it arrives after the
 *   call already ended (a slow getUserMedia, a permission prompt answered late).
 */
export class MediaOwnership {
  readonly #owned = new WeakMap<CallSession, MediaStream>();

  /**
   * The local stream for `session`: `source` itself when it is a stream (or null), else what the
   * function gives. A failing function means receive-only (`onError` hears why).
   */
  acquire(session: CallSession, source: LocalMedia, onError: (error: unknown) => void): Promise<MediaStream | null> {
    if (typeof source !== "function") return Promise.resolve(source);
    return Promise.resolve()
      .then(source)
      .then(
        (stream) => {
          if (!stream) return null;
          if (session.state === "ended") {
            stopTracks(stream);
            return null;
          }
          this.#owned.set(session, stream);
          return stream;
        },
        (error: unknown) => {
          onError(error);
          return null;
        },
      );
  }

  /** The call is over: stop what the SDK opened for it. Idempotent. */
  release(session: CallSession): void {
    const stream = this.#owned.get(session);
    if (!stream) return;
    this.#owned.delete(session);
    stopTracks(stream);
  }
}

function stopTracks(stream: MediaStream): void {
  for (const track of stream.getTracks()) track.stop();
}
