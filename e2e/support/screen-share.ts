import type { Page } from "playwright-core";
import { expect } from "vitest";

// Screen shares in apps/web as a user sees them: the large `.screen-tile`s (keyed by
// `data-presenter`, "" for your own) and what their videos really decode, read from the page's
// own RTCPeerConnections (install `trackPeerConnections` before the app loads).

const TIMEOUT = 20_000;

export const screenTile = (page: Page, presenter: string) => page.locator(`.screen-tile[data-presenter="${presenter}"]`);

export async function clickShareScreen(page: Page): Promise<void> {
  await page.getByRole("button", { name: "Share your screen" }).click();
  await page.getByRole("button", { name: "Stop sharing your screen", pressed: true }).waitFor({ timeout: TIMEOUT });
}

/** Video frames decoded so far for the screen tile of `presenter` (inbound-rtp of its track), or null. */
export async function screenFramesDecoded(page: Page, presenter: string): Promise<number | null> {
  return page.evaluate(async (who) => {
    const video = document.querySelector<HTMLVideoElement>(`.screen-tile[data-presenter="${who}"] video`);
    const track = video?.srcObject instanceof MediaStream ? video.srcObject.getVideoTracks()[0] : undefined;
    if (!track) return null;
    for (const pc of (window as unknown as { __peerConnections: RTCPeerConnection[] }).__peerConnections) {
      if (pc.connectionState === "closed") continue;
      for (const entry of (await pc.getStats(track).catch(() => null))?.values() ?? []) {
        if (entry.type === "inbound-rtp" && entry.kind === "video" && entry.trackIdentifier === track.id) return entry.framesDecoded ?? 0;
      }
    }
    return null;
  }, presenter);
}

/** Waits until the screen of `presenter` decodes `frames` more frames on `page`. */
export async function expectScreenDecoding(page: Page, presenter: string, frames = 10): Promise<void> {
  await screenTile(page, presenter).waitFor({ timeout: TIMEOUT });
  const start = (await screenFramesDecoded(page, presenter)) ?? 0;
  await expect
    .poll(async () => (await screenFramesDecoded(page, presenter)) ?? -1, { timeout: 30_000, interval: 300, message: `screen of ${presenter} decoded` })
    .toBeGreaterThanOrEqual(start + frames);
}

/**
 * What the browser does when the user presses its own "Stop sharing": the display track ends
 * (it is stopped and fires `ended`; a track stopped by script alone fires no `ended`, so the
 * event is dispatched by hand). Keeps the track as `window.__endedScreenTrack`.
 */
export async function browserStopsSharing(page: Page): Promise<void> {
  await page.evaluate(() => {
    const video = document.querySelector<HTMLVideoElement>('.screen-tile[data-self="true"] video');
    const track = (video?.srcObject as MediaStream | null)?.getVideoTracks()[0];
    if (!track) throw new Error("not sharing");
    (window as unknown as { __endedScreenTrack: MediaStreamTrack }).__endedScreenTrack = track;
    track.stop();
    track.dispatchEvent(new Event("ended"));
  });
}

/** Keeps our display track as `window.__screenTrack`, to look at after the share or call ended. */
export async function keepScreenTrack(page: Page): Promise<void> {
  await page.evaluate(() => {
    const video = document.querySelector<HTMLVideoElement>('.screen-tile[data-self="true"] video');
    (window as unknown as { __screenTrack?: MediaStreamTrack }).__screenTrack = (video?.srcObject as MediaStream | null)?.getVideoTracks()[0];
  });
}

export async function keptScreenTrackState(page: Page): Promise<string | null> {
  return page.evaluate(() => (window as unknown as { __screenTrack?: MediaStreamTrack }).__screenTrack?.readyState ?? null);
}

/** Video tracks the page's open peer connections send now (the camera's, and a screen's while shared). */
export async function videoTracksSent(page: Page): Promise<number> {
  return page.evaluate(() =>
    (window as unknown as { __peerConnections: RTCPeerConnection[] }).__peerConnections
      .filter((pc) => pc.connectionState !== "closed")
      .flatMap((pc) => pc.getTransceivers())
      .filter((t) => t.sender.track?.kind === "video" && t.sender.track.readyState === "live" && (t.currentDirection === "sendrecv" || t.currentDirection === "sendonly")).length,
  );
}
