import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { CHROMIUM_BASE_ARGS, CHROMIUM_EXECUTABLE, fakeMediaArgs } from "./chromium.js";
import { cleanUpOnExit } from "./exit-cleanup.js";
import type { TestNetns } from "./netns.js";

/** A headless Chromium inside a test's network namespace, where it reaches Janus on a real interface. */
export interface NetnsBrowser {
  readonly browser: Browser;
  /** A new page in a context of its own (a separate user), camera and microphone granted for the origin. */
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

/**
 * Launches Debian Chromium through a wrapper script that enters `netns` first. Its pages come from
 * `origin` (an http:// server on the namespace's host address), which the browser treats as a
 * secure context so that getUserMedia works there. WebRTC gives real host candidates (no mDNS
 * names, which Janus cannot resolve), and all three simulcast layers of a small camera. Playwright
 * gives it a fresh temporary profile.
 */
export async function launchNetnsBrowser(netns: TestNetns, origin: string): Promise<NetnsBrowser> {
  const dir = mkdtempSync(join(tmpdir(), "switchboard-netns-chromium-"));
  const removeDir = () => rmSync(dir, { recursive: true, force: true });
  const forget = cleanUpOnExit(removeDir);
  const wrapper = join(dir, "chromium");
  writeFileSync(wrapper, `#!/bin/sh\nexec ip netns exec ${netns.name} ${CHROMIUM_EXECUTABLE} "$@"\n`);
  chmodSync(wrapper, 0o755);
  let browser: Browser;
  try {
    browser = await chromium.launch({
      executablePath: wrapper,
      headless: true,
      args: [
        ...CHROMIUM_BASE_ARGS,
        ...fakeMediaArgs(),
        "--disable-features=WebRtcHideLocalIpsWithMdns",
        // libwebrtc sends fewer simulcast layers of a small camera (one below 480x270): a test's
        // 320x240 camera would send only its quarter-size layer. Without that limit, all three.
        "--force-fieldtrials=WebRTC-LegacySimulcastLayerLimit/Disabled/",
        `--unsafely-treat-insecure-origin-as-secure=${origin}`,
      ],
    });
  } catch (error) {
    forget();
    removeDir();
    throw error;
  }
  return {
    browser,
    async newPage() {
      const context = await browser.newContext({ viewport: { width: 640, height: 480 } });
      await context.grantPermissions(["camera", "microphone"], { origin });
      return context.newPage();
    },
    async close() {
      await browser.close();
      forget();
      removeDir();
    },
  };
}
