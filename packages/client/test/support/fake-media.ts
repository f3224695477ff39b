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

let nextStreamId = 0;

/** A MediaStream constructor for Node (the `MediaStream` option): a track list with an id. */
export class FakeMediaStream {
  readonly id = `stream-${++nextStreamId}`;
  readonly #tracks: MediaStreamTrack[];

  constructor(tracks: MediaStreamTrack[] = []) {
    this.#tracks = [...tracks];
  }

  getTracks(): MediaStreamTrack[] {
    return [...this.#tracks];
  }

  getAudioTracks(): MediaStreamTrack[] {
    return this.#tracks.filter((track) => track.kind === "audio");
  }

  getVideoTracks(): MediaStreamTrack[] {
    return this.#tracks.filter((track) => track.kind === "video");
  }

  addTrack(track: MediaStreamTrack): void {
    if (!this.#tracks.includes(track)) this.#tracks.push(track);
  }

  removeTrack(track: MediaStreamTrack): void {
    const index = this.#tracks.indexOf(track);
    if (index !== -1) this.#tracks.splice(index, 1);
  }
}

/** The constructor, typed for the `MediaStream` option. */
export const FakeMediaStreamConstructor = FakeMediaStream as unknown as new (tracks?: MediaStreamTrack[]) => MediaStream;
