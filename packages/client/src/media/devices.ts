/** The part of `navigator.mediaDevices` the device helpers use; inject a stand-in to test or to run outside a browser. */
export interface MediaDevicesLike {
  enumerateDevices(): Promise<readonly MediaDeviceInfoLike[]>;
  getUserMedia(constraints: MediaStreamConstraints): Promise<MediaStream>;
  addEventListener(type: "devicechange", listener: () => void): void;
  removeEventListener(type: "devicechange", listener: () => void): void;
}

export interface MediaDeviceInfoLike {
  readonly deviceId: string;
  readonly kind: string;
  readonly label: string;
}

/** What a device is for, as a user names it. */
export type DeviceKind = "camera" | "microphone" | "speaker";
/** The devices a call captures from (a speaker plays, see HTMLMediaElement.setSinkId). */
export type CaptureKind = "camera" | "microphone";

export interface Device {
  readonly kind: DeviceKind;
  /** MediaDeviceInfo.deviceId: stable for this origin, so it can be remembered. */
  readonly id: string;
  /** The browser's label, or "Camera 2" when it gives none. */
  readonly label: string;
}

export type DeviceLists = Readonly<Record<DeviceKind, readonly Device[]>>;

const KIND_OF: Record<string, DeviceKind> = { videoinput: "camera", audioinput: "microphone", audiooutput: "speaker" };
const FALLBACK_LABEL: Record<DeviceKind, string> = { camera: "Camera", microphone: "Microphone", speaker: "Speaker" };

/** The track kind a capture device gives. */
export function trackKindOf(kind: CaptureKind): "audio" | "video" {
  return kind === "camera" ? "video" : "audio";
}

export function captureKindOf(track: MediaStreamTrack): CaptureKind {
  return track.kind === "video" ? "camera" : "microphone";
}

/**
 * enumerateDevices() sorted by kind, in the browser's order. Entries without an id (what a page
 * gets before it may use any device) cannot be chosen, so they are left out; unlabelled ones
 * are numbered.
 */
export function groupDevices(infos: readonly MediaDeviceInfoLike[]): DeviceLists {
  const lists: Record<DeviceKind, Device[]> = { camera: [], microphone: [], speaker: [] };
  for (const info of infos) {
    const kind = KIND_OF[info.kind];
    if (!kind || info.deviceId === "" || lists[kind].some((device) => device.id === info.deviceId)) continue;
    const label = info.label.trim() || `${FALLBACK_LABEL[kind]} ${lists[kind].length + 1}`;
    lists[kind].push(Object.freeze({ kind, id: info.deviceId, label }));
  }
  return Object.freeze(lists);
}

export async function listDevices(mediaDevices: MediaDevicesLike | undefined = defaultMediaDevices()): Promise<DeviceLists> {
  return groupDevices(mediaDevices ? await mediaDevices.enumerateDevices() : []);
}

/** The device a live track captures from (MediaTrackSettings.deviceId), if the browser says. */
export function deviceIdOf(track: MediaStreamTrack): string | undefined {
  return typeof track.getSettings === "function" ? track.getSettings().deviceId : undefined;
}

/**
 * Constraints for one kind with a preferred device: exactly that device while `lists` has it
 * (browsers do not reliably honour an `ideal` deviceId), else `base` alone, so a remembered
 * device that is gone (unplugged since) gives the browser's default instead of a failure.
 */
export function preferDevice(lists: DeviceLists, kind: CaptureKind, deviceId: string | null, base: MediaTrackConstraints = {}): MediaTrackConstraints {
  const listed = deviceId !== null && lists[kind].some((device) => device.id === deviceId);
  return listed ? { ...base, deviceId: { exact: deviceId } } : base;
}

/**
 * Opens one track from exactly the device `deviceId` (the user picked it), with `base`
 * constraints (size, frame rate). Rejects as getUserMedia does (e.g. OverconstrainedError: it
 * is gone). Any other track getUserMedia returned is stopped.
 */
export async function openDeviceTrack(
  kind: CaptureKind,
  deviceId: string,
  base: MediaTrackConstraints = {},
  mediaDevices: MediaDevicesLike | undefined = defaultMediaDevices(),
): Promise<MediaStreamTrack> {
  if (!mediaDevices) throw new TypeError("openDeviceTrack: no navigator.mediaDevices here (a secure context is needed).");
  const constraints = { ...base, deviceId: { exact: deviceId } };
  const stream = await mediaDevices.getUserMedia(kind === "camera" ? { video: constraints } : { audio: constraints });
  const wanted = trackKindOf(kind);
  const [track, ...others] = [...stream.getTracks()].sort((a, b) => Number(b.kind === wanted) - Number(a.kind === wanted));
  for (const other of others) other.stop();
  if (!track || track.kind !== wanted) throw new Error(`openDeviceTrack: the browser gave no ${wanted} track.`);
  return track;
}

/** What to use when `lostId` went away: the system default if listed (it follows the OS), else the first other one. */
export function fallbackDevice(lists: DeviceLists, kind: CaptureKind, lostId: string | undefined): Device | null {
  const others = lists[kind].filter((device) => device.id !== lostId);
  return others.find((device) => device.id === "default") ?? others[0] ?? null;
}

export function defaultMediaDevices(): MediaDevicesLike | undefined {
  return (globalThis as { navigator?: { mediaDevices?: MediaDevicesLike } }).navigator?.mediaDevices;
}
