/** Debian's Chromium: the tests never download a browser. */
export const CHROMIUM_EXECUTABLE = "/usr/bin/chromium";

/**
 * The flags every test browser runs with: those that root and a headless box need (house rules),
 * and those that keep background tabs (other users' pages) decoding video.
 */
export const CHROMIUM_BASE_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-background-timer-throttling",
  "--disable-renderer-backgrounding",
  "--disable-backgrounding-occluded-windows",
];

/** A fake camera and microphone, granted without a prompt; `devices` fake cameras (Chromium's default: 1). */
export function fakeMediaArgs(devices?: number): string[] {
  const device = devices === undefined ? "" : `=device-count=${devices}`;
  return [`--use-fake-device-for-media-stream${device}`, "--use-fake-ui-for-media-stream"];
}
