import { TypedEmitter, type Disposer } from "../typed-emitter.js";
import { captureKindOf, defaultMediaDevices, deviceIdOf, listDevices, type CaptureKind, type DeviceLists, type MediaDevicesLike } from "./devices.js";

export interface DeviceLoss {
  readonly kind: CaptureKind;
  /** The track that lost its device (ended, or its device no longer listed). */
  readonly track: MediaStreamTrack;
  /** Its device's label, to tell the user which one went. */
  readonly label: string;
}

export interface DeviceWatchEvents {
  /** The devices changed (one plugged in or out): fresh lists, e.g. for the device menus. */
  devices: (lists: DeviceLists) => void;
  /** A watched track's device is gone: unplugged, or the track ended by itself. Emitted once per track. */
  lost: (loss: DeviceLoss) => void;
  /** enumerateDevices failed. */
  error: (error: unknown) => void;
}

/**
 * Watches the devices behind our tracks: `devicechange` (then enumerateDevices: is the device
 * still listed?) and each track's `ended` (the browser ends a track whose device went away,
 * not one that stop() ended). Says `lost` once per track; picking and opening another device
 * is the caller's (see fallbackDevice, openDeviceTrack).
 */
export class DeviceWatch {
  readonly #events = new TypedEmitter<DeviceWatchEvents>();
  readonly #mediaDevices: MediaDevicesLike | undefined;
  readonly #watched = new Map<MediaStreamTrack, () => void>();
  readonly #onDeviceChange = () => void this.refresh();
  #disposed = false;

  constructor(mediaDevices: MediaDevicesLike | undefined = defaultMediaDevices()) {
    this.#mediaDevices = mediaDevices;
    mediaDevices?.addEventListener("devicechange", this.#onDeviceChange);
  }

  on<E extends keyof DeviceWatchEvents>(event: E, listener: DeviceWatchEvents[E]): Disposer {
    return this.#events.on(event, listener);
  }

  /** Watches `track` until its loss is reported or the disposer runs. */
  watch(track: MediaStreamTrack): Disposer {
    if (this.#disposed || this.#watched.has(track)) return () => this.#unwatch(track);
    const onEnded = () => this.#lose(track);
    track.addEventListener("ended", onEnded);
    this.#watched.set(track, () => track.removeEventListener("ended", onEnded));
    return () => this.#unwatch(track);
  }

  /** Lists the devices now, emits `devices`, and reports watched tracks whose device is not listed. */
  async refresh(): Promise<DeviceLists | null> {
    let lists: DeviceLists;
    try {
      lists = await listDevices(this.#mediaDevices);
    } catch (error) {
      this.#events.emit("error", error);
      return null;
    }
    if (this.#disposed) return null;
    this.#events.emit("devices", lists);
    for (const track of [...this.#watched.keys()]) {
      const id = deviceIdOf(track);
      const listed = id === undefined || lists[captureKindOf(track)].some((device) => device.id === id);
      if (!listed) this.#lose(track);
    }
    return lists;
  }

  dispose(): void {
    this.#disposed = true;
    this.#mediaDevices?.removeEventListener("devicechange", this.#onDeviceChange);
    for (const track of [...this.#watched.keys()]) this.#unwatch(track);
  }

  #lose(track: MediaStreamTrack): void {
    if (!this.#watched.has(track)) return;
    this.#unwatch(track);
    this.#events.emit("lost", { kind: captureKindOf(track), track, label: track.label });
  }

  #unwatch(track: MediaStreamTrack): void {
    this.#watched.get(track)?.();
    this.#watched.delete(track);
  }
}
