import { fileURLToPath } from "node:url";
import type { Page } from "playwright-core";

const source = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/** Where the bare SDK page is "served": a path on the server's own origin (a secure context). */
export const SDK_PATH = "/__sdk/";

const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>SDK page</title>
<script type="module">import * as sdk from "./switchboard-client.js"; window.sdk = sdk;</script>
</head><body><video id="remote" autoplay playsinline></video></body></html>`;

let bundle: Promise<string> | undefined;

/** packages/client bundled for the browser as one ES module (Vite, in memory), once per process. */
function sdkBundle(): Promise<string> {
  bundle ??= (async () => {
    const { build } = await import("vite");
    const result = await build({
      configFile: false,
      logLevel: "warn",
      resolve: { alias: { "@switchboard/protocol": source("../../packages/protocol/src/index.ts") } },
      build: {
        write: false,
        minify: false,
        target: "es2022",
        lib: { entry: source("../../packages/client/src/index.ts"), formats: ["es"], fileName: "switchboard-client" },
      },
    });
    const outputs = Array.isArray(result) ? result : [result];
    for (const output of outputs) {
      if (!("output" in output)) continue;
      const entry = output.output.find((chunk) => chunk.type === "chunk" && chunk.isEntry);
      if (entry && entry.type === "chunk") return entry.code;
    }
    throw new Error("sdk-page: Vite produced no entry chunk for packages/client");
  })();
  return bundle;
}

/**
 * A bare page that has nothing but the SDK (`window.sdk`: every export of @switchboard/client),
 * for running the README's "Use the SDK" example as it is written, with the page's origin and
 * `/ws` as the signaling URL. Served with `page.route` on the server's origin.
 */
export async function openSdkPage(page: Page, origin: string): Promise<void> {
  const js = await sdkBundle();
  await page.route(`${origin}${SDK_PATH}**`, (route) => {
    const path = new URL(route.request().url()).pathname;
    if (path.endsWith(".js")) return route.fulfill({ status: 200, contentType: "text/javascript; charset=utf-8", body: js });
    return route.fulfill({ status: 200, contentType: "text/html; charset=utf-8", body: PAGE });
  });
  await page.goto(`${origin}${SDK_PATH}index.html`);
  await page.waitForFunction(() => "sdk" in window, undefined, { timeout: 10_000 });
}

/**
 * Test-only instrumentation: every track getUserMedia gives the page is remembered in
 * `window.__openedTracks`; `window.__holdMedia()` makes getUserMedia wait until
 * `window.__releaseMedia()` (a permission prompt answered late). Install before the page loads.
 */
const MEDIA_TRACKER_SCRIPT = `(() => {
  const original = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
  const opened = [];
  let gate = null;
  let openGate = null;
  window.__openedTracks = opened;
  window.__mediaRequests = 0;
  window.__holdMedia = () => { gate = new Promise((resolve) => (openGate = resolve)); };
  window.__releaseMedia = () => { gate = null; openGate?.(); };
  navigator.mediaDevices.getUserMedia = async (constraints) => {
    window.__mediaRequests += 1;
    if (gate) await gate;
    const stream = await original(constraints);
    opened.push(...stream.getTracks());
    return stream;
  };
})();`;

export async function trackOpenedMedia(page: Page): Promise<void> {
  await page.addInitScript(MEDIA_TRACKER_SCRIPT);
}

/** readyState of every track getUserMedia gave the page, in order ("live" or "ended"). */
export async function openedTrackStates(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { __openedTracks: MediaStreamTrack[] }).__openedTracks.map((t) => t.readyState));
}

/** Waits until getUserMedia has given the page `count` tracks or more, and every one of them is stopped. */
export async function waitForOpenedTracksEnded(page: Page, count: number, timeout = 10_000): Promise<void> {
  await page.waitForFunction(
    (min) => {
      const tracks = (window as unknown as { __openedTracks: MediaStreamTrack[] }).__openedTracks;
      return tracks.length >= min && tracks.every((track) => track.readyState === "ended");
    },
    count,
    { timeout, polling: 50 },
  );
}
