import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { CHROMIUM_BASE_ARGS, CHROMIUM_EXECUTABLE, fakeMediaArgs } from "../../packages/server/test/support/chromium.js";

export const CHROMIUM_ARGS = [
  ...CHROMIUM_BASE_ARGS,
  // Three fake cameras, for device switches: fake_device_0 and fake_device_2 (MJPEG); _1 is a depth camera (Y16) that WebRTC sends no frames of.
  ...fakeMediaArgs(3),
  "--allow-loopback-in-peer-connection",
  // The article client's page is fulfilled by page.route (no real network fetch), so Chromium
  // cannot tell it is a loopback page and would block its WebSocket to 127.0.0.1.
  "--disable-features=LocalNetworkAccessChecks",
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
  const browser = await chromium.launch({ executablePath: CHROMIUM_EXECUTABLE, headless: true, args: CHROMIUM_ARGS });
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
