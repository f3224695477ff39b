/**
 * Puts `track` into `stream` in place of the stream's track of the same kind (a device switch),
 * with that track's `enabled`, so a muted microphone stays muted on the new one. Returns the
 * track it took out (null when `track` was in the stream already: replacing is idempotent, so
 * several calls sharing one stream can each apply it). Throws when the stream has no track of
 * that kind: sending a kind the call never sent needs renegotiation, which this avoids.
 */
export function replaceStreamTrack(stream: MediaStream, track: MediaStreamTrack): MediaStreamTrack | null {
  const sameKind = stream.getTracks().filter((candidate) => candidate.kind === track.kind);
  if (sameKind.includes(track)) return null;
  const old = sameKind[0];
  if (!old) throw new Error(`replaceTrack: this call sends no ${track.kind}, so there is no ${track.kind} track to replace.`);
  track.enabled = old.enabled;
  for (const candidate of sameKind) stream.removeTrack(candidate);
  stream.addTrack(track);
  return old;
}
