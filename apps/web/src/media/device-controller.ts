import {
  DeviceWatch,
  captureKindOf,
  deviceIdOf,
  fallbackDevice,
  groupDevices,
  listDevices,
  openDeviceTrack,
  preferDevice,
  trackKindOf,
  type CaptureKind,
  type DeviceKind,
  type DeviceLists,
  type DeviceLoss,
} from "@switchboard/client";
import { loadDevicePrefs, saveDevicePrefs, type DevicePrefs } from "./device-prefs.js";

/** Swaps a track into wherever the adopted stream is sent; resolves with the track it replaced. */
export type ReplaceTrack = (track: MediaStreamTrack) => Promise<MediaStreamTrack | null>;

export interface DeviceController {
  /** The devices there are, by kind (empty until the first listing). */
  readonly lists: DeviceLists;
  /** Speaker choice needs HTMLMediaElement.setSinkId (not in every browser). */
  readonly speakerSupported: boolean;
  /** The stream whose devices the choices switch now (a call's, or a preview's), if any. */
  readonly stream: MediaStream | null;
  /** getUserMedia constraints that ask for the remembered devices (any device for one that is gone). */
  constraints(video: MediaTrackConstraints): Promise<{ audio: MediaTrackConstraints; video: MediaTrackConstraints }>;
  /**
   * Makes `stream` the one that device choices and unplugged devices apply to, until the returned
   * function runs (or another stream is adopted). `replace` puts a new track where the stream is
   * sent (the call); `video` sizes a newly opened camera like the stream's.
   */
  adopt(stream: MediaStream, replace: ReplaceTrack, video: MediaTrackConstraints): () => void;
  /** The device used now for `kind`: the adopted stream's track's, else the remembered one. */
  selected(kind: DeviceKind): string | null;
  /** The user picked a device: remembered, and swapped into the adopted stream at once. */
  choose(kind: DeviceKind, deviceId: string): Promise<void>;
  /** Plays `element` on the chosen speaker, now and after every change. */
  attachSpeaker(element: HTMLMediaElement): () => void;
  /** Lists the devices again (after permission was granted labels appear). */
  refresh(): Promise<void>;
  /** Lists, selection or adopted stream changed. */
  onChange(listener: () => void): () => void;
}

interface Adoption {
  readonly stream: MediaStream;
  readonly replace: ReplaceTrack;
  readonly video: MediaTrackConstraints;
}

type Notify = (text: string, kind: "info" | "warning" | "error") => void;

/**
 * The app's cameras, microphones and speakers: remembered choices (localStorage), switching the
 * device of the stream in use live (the SDK's replaceTrack: no renegotiation), and falling back
 * when the device in use is unplugged, with a notice saying so.
 */
export function createDeviceController(notify: Notify, mediaDevices = globalThis.navigator?.mediaDevices): DeviceController {
  const prefs: DevicePrefs = loadDevicePrefs();
  const speakerSupported = typeof HTMLMediaElement !== "undefined" && "setSinkId" in HTMLMediaElement.prototype;
  const listeners = new Set<() => void>();
  const speakers = new Set<HTMLMediaElement>();
  const watch = new DeviceWatch(mediaDevices);
  let lists: DeviceLists = groupDevices([]);
  let adoption: Adoption | null = null;
  /** Which watched tracks belong to the adoption, so a disposer unwatches exactly those. */
  const unwatch = new Map<MediaStreamTrack, () => void>();

  const changed = () => listeners.forEach((listener) => listener());
  watch.on("devices", (fresh) => {
    lists = fresh;
    changed();
  });
  watch.on("lost", (loss) => void fallBack(loss));
  watch.on("error", (error) => console.warn("switchboard devices:", error));

  function watchTracks(stream: MediaStream): void {
    for (const track of stream.getTracks()) if (!unwatch.has(track)) unwatch.set(track, watch.watch(track));
  }

  function unwatchAll(): void {
    for (const dispose of unwatch.values()) dispose();
    unwatch.clear();
  }

  function trackOf(kind: CaptureKind): MediaStreamTrack | undefined {
    return adoption?.stream.getTracks().find((track) => track.kind === trackKindOf(kind));
  }

  /** Puts `track` in place of its kind in the adopted stream and the call; stops the replaced one. */
  async function swapIn(target: Adoption, track: MediaStreamTrack): Promise<void> {
    if (adoption !== target) return track.stop();
    const old = trackOf(captureKindOf(track));
    let replaced: MediaStreamTrack | null;
    try {
      replaced = await target.replace(track);
    } catch (error) {
      track.stop(); // The old track stays in use, and watched.
      throw error;
    }
    if (old) {
      unwatch.get(old)?.();
      unwatch.delete(old);
    }
    replaced?.stop();
    if (adoption === target) watchTracks(target.stream);
    changed();
  }

  async function open(target: Adoption, kind: CaptureKind, deviceId: string): Promise<MediaStreamTrack> {
    return openDeviceTrack(kind, deviceId, kind === "camera" ? target.video : {}, mediaDevices);
  }

  async function fallBack(loss: DeviceLoss): Promise<void> {
    const target = adoption;
    if (!target || !target.stream.getTracks().includes(loss.track)) return;
    const name = loss.kind;
    const fresh = await listDevices(mediaDevices).catch(() => lists);
    const next = fallbackDevice(fresh, loss.kind, deviceIdOf(loss.track));
    if (!next) return notify(`Your ${name} (${loss.label}) was disconnected, and there is no other ${name} to use.`, "error");
    try {
      await swapIn(target, await open(target, loss.kind, next.id));
      notify(`Your ${name} (${loss.label}) was disconnected; switched to ${next.label}.`, "warning");
    } catch (error) {
      notify(`Your ${name} (${loss.label}) was disconnected, and ${next.label} could not be opened: ${describe(error)}`, "error");
    }
  }

  function applySpeaker(element: HTMLMediaElement): void {
    if (!speakerSupported) return;
    const sink = prefs.speaker ?? "";
    if (element.sinkId === sink) return;
    element.setSinkId(sink).catch((error: unknown) => console.warn("switchboard speaker:", error));
  }

  const controller: DeviceController = {
    get lists() {
      return lists;
    },
    speakerSupported,
    get stream() {
      return adoption?.stream ?? null;
    },
    async constraints(video) {
      const now = await listDevices(mediaDevices).catch(() => lists);
      return { audio: preferDevice(now, "microphone", prefs.microphone), video: preferDevice(now, "camera", prefs.camera, video) };
    },
    adopt(stream, replace, video) {
      unwatchAll();
      const mine: Adoption = { stream, replace, video };
      adoption = mine;
      watchTracks(stream);
      void controller.refresh();
      changed();
      return () => {
        if (adoption !== mine) return;
        unwatchAll();
        adoption = null;
        changed();
      };
    },
    selected(kind) {
      if (kind === "speaker") return prefs.speaker;
      const track = trackOf(kind);
      return (track && deviceIdOf(track)) ?? prefs[kind];
    },
    async choose(kind, deviceId) {
      prefs[kind] = deviceId;
      saveDevicePrefs(prefs);
      if (kind === "speaker") {
        speakers.forEach(applySpeaker);
        return changed();
      }
      const target = adoption;
      const old = trackOf(kind);
      if (!target || !old || deviceIdOf(old) === deviceId) return changed();
      try {
        await swapIn(target, await open(target, kind, deviceId));
      } catch (error) {
        notify(`Could not switch the ${kind}: ${describe(error)}`, "error");
        changed();
      }
    },
    attachSpeaker(element) {
      speakers.add(element);
      applySpeaker(element);
      return () => speakers.delete(element);
    },
    async refresh() {
      await watch.refresh();
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  return controller;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
