/** Enough of MediaStreamTrack and MediaStream for device switches in Node. */
export function fakeTrack(kind: "audio" | "video", id: string, deviceId = id): MediaStreamTrack {
  const listeners = new Set<() => void>();
  const track = {
    kind,
    id,
    label: id,
    enabled: true,
    readyState: "live",
    getSettings: () => ({ deviceId }),
    addEventListener: (_type: string, listener: () => void) => void listeners.add(listener),
    removeEventListener: (_type: string, listener: () => void) => void listeners.delete(listener),
    stop() {
      track.readyState = "ended";
    },
    /** Test control: the device went away (the browser ends the track and fires `ended`). */
    unplug() {
      track.readyState = "ended";
      for (const listener of [...listeners]) listener();
    },
  };
  return track as unknown as MediaStreamTrack;
}

export function unplug(track: MediaStreamTrack): void {
  (track as unknown as { unplug(): void }).unplug();
}

export function fakeStream(...tracks: MediaStreamTrack[]): MediaStream {
  const list = [...tracks];
  return {
    id: "local",
    getTracks: () => [...list],
    getAudioTracks: () => list.filter((t) => t.kind === "audio"),
    getVideoTracks: () => list.filter((t) => t.kind === "video"),
    addTrack: (track: MediaStreamTrack) => void list.push(track),
    removeTrack: (track: MediaStreamTrack) => void list.splice(list.indexOf(track), 1),
  } as unknown as MediaStream;
}
