import type { Page } from "playwright-core";

/**
 * Caps every camera the page opens at 320x240, 15 fps. A 1:1 call asks for 720p (the app's
 * `?video=` option caps only group calls and screens), and several users encoding that share
 * the test machine's two cores with the server processes.
 */
const SMALL_CAMERA_SCRIPT = `(() => {
  const original = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
  const small = { width: { ideal: 320 }, height: { ideal: 240 }, frameRate: { ideal: 15 } };
  navigator.mediaDevices.getUserMedia = (constraints) => {
    if (!constraints || !constraints.video) return original(constraints);
    const video = constraints.video === true ? small : { ...constraints.video, ...small };
    return original({ ...constraints, video });
  };
})();`;

/** Install before the app loads (before AppPage.open). */
export async function useSmallCamera(page: Page): Promise<void> {
  await page.addInitScript(SMALL_CAMERA_SCRIPT);
}
