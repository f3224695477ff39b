import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";

export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  // Three fake cameras, for device switches: fake_device_0 and fake_device_2 (MJPEG); _1 is a depth camera (Y16) that WebRTC sends no frames of.
  "--use-fake-device-for-media-stream=device-count=3",
  "--use-fake-ui-for-media-stream",
  "--allow-loopback-in-peer-connection",
  // The article client's page is fulfilled by page.route (no real network fetch), so Chromium
  // cannot tell it is a loopback page and would block its WebSocket to 127.0.0.1.
  "--disable-features=LocalNetworkAccessChecks",
  // Pages of other users are background tabs of the same browser: keep them decoding video.
  "--disable-background-timer-throttling",
  "--disable-renderer-backgrounding",
  "--disable-backgrounding-occluded-windows",
];

export interface TestUser {
  context: BrowserContext;
  page: Page;
  /** Uncaught page errors, for assertions. */
  pageErrors: string[];
}

export interface TestBrowser {
  browser: Browser;
  /** A new isolated user (own context and page) with camera and microphone granted for `origin`. */
  newUser(origin: string): Promise<TestUser>;
  close(): Promise<void>;
}

/**
 * Headless Debian Chromium (never a downloaded one). `chromium.launch` gives each browser a fresh
 * temporary profile; separate contexts are separate users that share no storage.
 */
export async function launchBrowser(): Promise<TestBrowser> {
  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", headless: true, args: CHROMIUM_ARGS });
  return {
    browser,
    async newUser(origin) {
      const context = await browser.newContext({ viewport: { width: 1100, height: 760 } });
      await context.grantPermissions(["camera", "microphone"], { origin });
      const page = await context.newPage();
      const pageErrors: string[] = [];
      page.on("pageerror", (error) => pageErrors.push(String(error)));
      return { context, page, pageErrors };
    },
    async close() {
      await browser.close();
    },
  };
}
