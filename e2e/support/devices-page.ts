import type { Locator, Page } from "playwright-core";
import { expect } from "vitest";

/**
 * Device switches as the app's user does them, and what the page's own RTCPeerConnections send
 * (install `trackPeerConnections` before the app loads): the pickers by their labels, the
 * track each sender carries, and a count of signaling-state changes (a renegotiation makes some).
 */
export class DevicesPage {
  constructor(readonly page: Page) {}

  /** The in-call pickers: the "Devices" button of the visible call controls opens them. */
  async openCallMenu(): Promise<Locator> {
    await this.page.locator("[role=toolbar]:visible").getByRole("button", { name: "Choose camera, microphone and speaker" }).click();
    return this.page.getByRole("group", { name: "Devices" });
  }

  /** Picks the device labelled `label` in `scope`'s picker for `kind` ("Camera", "Microphone", "Speaker"). */
  async choose(scope: Locator, kind: "Camera" | "Microphone" | "Speaker", label: string): Promise<void> {
    await scope.getByLabel(kind, { exact: true }).selectOption({ label });
  }

  /** Labels of the tracks our open peer connections send of `kind`, one per connection. */
  async sentLabels(kind: "audio" | "video"): Promise<string[]> {
    return this.page.evaluate(
      (wanted) =>
        (window as unknown as { __peerConnections: RTCPeerConnection[] }).__peerConnections
          .filter((pc) => pc.connectionState !== "closed")
          .flatMap((pc) => pc.getSenders().map((sender) => sender.track))
          .filter((track): track is MediaStreamTrack => track?.kind === wanted)
          .map((track) => track.label),
      kind,
    );
  }

  async waitForSent(kind: "audio" | "video", labels: string[], timeout = 15_000): Promise<void> {
    await expect.poll(() => this.sentLabels(kind), { timeout, interval: 100, message: `sent ${kind}` }).toEqual(labels);
  }

  /** Starts counting signalingstatechange events on every peer connection the page has now. */
  async countNegotiation(): Promise<void> {
    await this.page.evaluate(() => {
      const w = window as unknown as { __peerConnections: RTCPeerConnection[]; __signalingChanges: number };
      w.__signalingChanges = 0;
      for (const pc of w.__peerConnections) pc.addEventListener("signalingstatechange", () => (w.__signalingChanges += 1));
    });
  }

  async signalingChanges(): Promise<number> {
    return this.page.evaluate(() => (window as unknown as { __signalingChanges: number }).__signalingChanges);
  }

  /** The id of the video track a remote `<video>` (selector) plays. */
  async remoteTrackId(selector: string): Promise<string | null> {
    return this.page.$eval(selector, (video) => ((video as HTMLVideoElement).srcObject as MediaStream | null)?.getVideoTracks()[0]?.id ?? null);
  }

  /**
   * Stands in for pulling out the camera we send: Chromium's fake devices cannot be unplugged,
   * so the page's enumerateDevices stops listing it from now on, its track is stopped and says
   * `ended` (as a vanished device's does), and `devicechange` fires. Returns its label.
   */
  async unplugSentCamera(): Promise<string> {
    return this.page.evaluate(() => {
      const pcs = (window as unknown as { __peerConnections: RTCPeerConnection[] }).__peerConnections;
      const track = pcs.filter((pc) => pc.connectionState !== "closed").flatMap((pc) => pc.getSenders()).find((s) => s.track?.kind === "video")?.track;
      if (!track) throw new Error("no camera track is sent");
      const gone = track.getSettings().deviceId;
      const devices = navigator.mediaDevices;
      const enumerate = devices.enumerateDevices.bind(devices);
      devices.enumerateDevices = async () => (await enumerate()).filter((device) => device.deviceId !== gone);
      track.stop();
      track.dispatchEvent(new Event("ended"));
      devices.dispatchEvent(new Event("devicechange"));
      return track.label;
    });
  }
}

/** The preview in the open dialog plays (its time advances) and the microphone meter shows a level above 0. */
export async function expectPreviewAndMeter(page: Page): Promise<void> {
  const dialog = page.getByRole("dialog");
  const video = dialog.getByLabel("Your camera preview");
  const playing = () =>
    video.evaluate((element) => {
      const v = element as HTMLVideoElement;
      return { time: v.currentTime, width: v.videoWidth, paused: v.paused };
    });
  const first = await playing();
  await expect.poll(async () => { const now = await playing(); return now.width > 0 && !now.paused && now.time > first.time; }, { timeout: 15_000 }).toBe(true);
  const meter = dialog.getByRole("meter", { name: "Microphone level" });
  // The fake microphone beeps now and then: wait for a beep.
  await expect.poll(async () => Number(await meter.getAttribute("data-level")), { timeout: 15_000, interval: 50 }).toBeGreaterThan(0);
}
