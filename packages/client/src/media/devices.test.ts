import { describe, expect, it, vi } from "vitest";
import { fakeTrack, unplug } from "../../test/support/fake-media.js";
import { DeviceWatch } from "./device-watch.js";
import { fallbackDevice, groupDevices, openDeviceTrack, preferDevice, type MediaDeviceInfoLike, type MediaDevicesLike } from "./devices.js";

const info = (kind: string, deviceId: string, label = ""): MediaDeviceInfoLike => ({ kind, deviceId, label });

/** navigator.mediaDevices with a device list the test changes, and the devicechange listeners. */
function fakeMediaDevices(devices: MediaDeviceInfoLike[]) {
  const listeners = new Set<() => void>();
  const requests: MediaStreamConstraints[] = [];
  const mediaDevices: MediaDevicesLike & { devices: MediaDeviceInfoLike[]; change(): void; listeners: Set<() => void> } = {
    devices,
    listeners,
    enumerateDevices: async () => mediaDevices.devices,
    async getUserMedia(constraints) {
      requests.push(constraints);
      const tracks = [constraints.audio ? fakeTrack("audio", "a") : null, constraints.video ? fakeTrack("video", "v") : null].filter((t) => t !== null);
      return { getTracks: () => tracks } as unknown as MediaStream;
    },
    addEventListener: (_type, listener) => void listeners.add(listener),
    removeEventListener: (_type, listener) => void listeners.delete(listener),
    change: () => listeners.forEach((listener) => listener()),
  };
  return { mediaDevices, requests };
}

describe("device lists", () => {
  it("groups by kind in the browser's order, numbers unlabelled ones, drops the unusable", () => {
    const lists = groupDevices([
      info("audioinput", "default", "Default - Headset"),
      info("videoinput", "c1", "Front camera"),
      info("videoinput", "c2"),
      info("videoinput", ""), // Before permission: nothing to choose.
      info("audiooutput", "s1", "Speakers"),
      info("audiooutput", "s1", "Speakers"),
      info("something-else", "x", "?"),
    ]);
    expect(lists.camera.map((d) => [d.id, d.label])).toEqual([["c1", "Front camera"], ["c2", "Camera 2"]]);
    expect(lists.microphone.map((d) => d.label)).toEqual(["Default - Headset"]);
    expect(lists.speaker.map((d) => d.id)).toEqual(["s1"]);
  });

  it("falls back to the system default, else the first other device", () => {
    const lists = groupDevices([info("audioinput", "m1"), info("audioinput", "default"), info("videoinput", "c1"), info("videoinput", "c2")]);
    expect(fallbackDevice(lists, "microphone", "m1")?.id).toBe("default");
    expect(fallbackDevice(lists, "camera", "c1")?.id).toBe("c2");
    expect(fallbackDevice(groupDevices([info("videoinput", "c1")]), "camera", "c1")).toBeNull();
  });

  it("asks for a remembered device while it is listed, else for any; opens a picked one exactly", async () => {
    const lists = groupDevices([info("videoinput", "c1"), info("audioinput", "m1")]);
    expect(preferDevice(lists, "camera", "c1", { width: { ideal: 320 } })).toEqual({ width: { ideal: 320 }, deviceId: { exact: "c1" } });
    expect(preferDevice(lists, "microphone", "m-unplugged")).toEqual({});
    expect(preferDevice(lists, "camera", null, { height: { ideal: 240 } })).toEqual({ height: { ideal: 240 } });
    const { mediaDevices, requests } = fakeMediaDevices([]);
    const track = await openDeviceTrack("camera", "c2", { height: { ideal: 240 } }, mediaDevices);
    expect(track.kind).toBe("video");
    expect(requests).toEqual([{ video: { height: { ideal: 240 }, deviceId: { exact: "c2" } } }]);
  });
});

describe("DeviceWatch", () => {
  it("says `lost` when a watched track's device is no longer listed after a devicechange, once", async () => {
    const { mediaDevices } = fakeMediaDevices([info("videoinput", "c1", "USB camera"), info("videoinput", "c2", "Built-in"), info("audioinput", "m1")]);
    const watch = new DeviceWatch(mediaDevices);
    const camera = fakeTrack("video", "USB camera", "c1");
    const mic = fakeTrack("audio", "mic", "m1");
    watch.watch(camera);
    watch.watch(mic);
    const lost: string[] = [];
    const cameras: number[] = [];
    watch.on("lost", (loss) => lost.push(`${loss.kind}:${loss.label}`));
    watch.on("devices", (lists) => cameras.push(lists.camera.length));
    mediaDevices.devices = mediaDevices.devices.filter((d) => d.deviceId !== "c1");
    mediaDevices.change();
    await vi.waitFor(() => expect(lost).toEqual(["camera:USB camera"]));
    mediaDevices.change();
    await vi.waitFor(() => expect(cameras).toEqual([1, 1]));
    expect(lost).toEqual(["camera:USB camera"]);
    watch.dispose();
    expect(mediaDevices.listeners.size).toBe(0);
  });

  it("says `lost` when a track ends by itself, and not for one no longer watched", () => {
    const { mediaDevices } = fakeMediaDevices([]);
    const watch = new DeviceWatch(mediaDevices);
    const lost: string[] = [];
    watch.on("lost", (loss) => lost.push(loss.track.id));
    const [mic, old] = [fakeTrack("audio", "mic"), fakeTrack("video", "old-camera")];
    watch.watch(mic);
    const unwatch = watch.watch(old);
    unwatch();
    unplug(old);
    unplug(mic);
    expect(lost).toEqual(["mic"]);
  });
});
