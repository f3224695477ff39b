import { replaceStreamTrack } from "../media/stream-tracks.js";

/** What sends a local stream's tracks: a Call, or the media server's publisher in an SFU call. */
export interface TrackTarget {
  /** Sends `track` instead of the one of its kind, without renegotiation. */
  replaceLocalTrack(track: MediaStreamTrack): Promise<void>;
}

/**
 * A device switch for everything one local stream feeds (a 1:1 call, or every pair of a group
 * call): `track` takes its kind's place in the stream, so whatever attaches the stream later
 * (a late joiner, a callee's first answer) sends it, then goes onto each call's sender
 * (Call.replaceLocalTrack). A call that fails to take it is reported to `onError` and costs
 * the others nothing. Resolves with the track taken out of the stream (null if it was there).
 */
export async function replaceLocalTrack(
  stream: MediaStream,
  calls: Iterable<TrackTarget>,
  track: MediaStreamTrack,
  onError: (error: unknown) => void,
): Promise<MediaStreamTrack | null> {
  const replaced = replaceStreamTrack(stream, track);
  const results = await Promise.allSettled([...calls].map((call) => call.replaceLocalTrack(track)));
  for (const result of results) if (result.status === "rejected") onError(result.reason);
  return replaced;
}
