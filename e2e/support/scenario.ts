import { AppPage } from "./app-page.js";
import { launchBrowser, type TestBrowser, type TestUser } from "./browser.js";
import { startServer, type RunningServer } from "./server.js";

/** One server and one browser for a test file; users are contexts of that browser. */
export interface Scenario {
  server: RunningServer;
  browser: TestBrowser;
  /** Opens the app for a new user and logs in as `name`. */
  user(name: string, options?: UserOptions): Promise<AppPage>;
  /** A raw new user (context + page), e.g. for the article client. */
  rawUser(): Promise<TestUser>;
  close(): Promise<void>;
}

export interface UserOptions {
  /** getUserMedia fails for video with this DOMException name (e.g. "NotFoundError": no camera). */
  cameraError?: string;
  /** getUserMedia fails for everything with this name (e.g. "NotAllowedError"). */
  mediaError?: string;
  /**
   * Lets the test hold the page's incoming WebSocket frames and release them later (see
   * AppPage.holdIncoming), like a brief network stall: makes glare deterministic.
   */
  holdableSocket?: boolean;
  /** Where the app is opened, e.g. "/?connect-while-ringing=0" (default "/"). */
  path?: string;
}

/** Wraps WebSocket so incoming frames can be held back and released in order. */
const HOLDABLE_SOCKET_SCRIPT = `(() => {
  const Native = window.WebSocket;
  const held = [];
  let holding = false;
  class HoldableWebSocket extends Native {
    set onmessage(handler) {
      super.onmessage = handler && ((event) => (holding ? held.push(() => handler.call(this, event)) : handler.call(this, event)));
    }
    get onmessage() {
      return super.onmessage;
    }
  }
  window.WebSocket = HoldableWebSocket;
  window.__network = {
    hold() { holding = true; },
    release() { holding = false; for (const deliver of held.splice(0)) deliver(); },
  };
})();`;

/** Makes getUserMedia fail in the page the way a missing or refused device does. */
function mediaFailureScript(options: UserOptions): string | null {
  if (!options.cameraError && !options.mediaError) return null;
  return `(() => {
    const original = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
    const camera = ${JSON.stringify(options.cameraError ?? null)};
    const all = ${JSON.stringify(options.mediaError ?? null)};
    navigator.mediaDevices.getUserMedia = async (constraints) => {
      if (all) throw new DOMException("test: media refused", all);
      if (camera && constraints && constraints.video) throw new DOMException("test: no camera", camera);
      return original(constraints);
    };
  })();`;
}

export async function startScenario(): Promise<Scenario> {
  const [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  return {
    server,
    browser,
    async user(name, options = {}) {
      const { page } = await browser.newUser(server.url);
      const script = mediaFailureScript(options);
      if (script) await page.addInitScript(script);
      if (options.holdableSocket) await page.addInitScript(HOLDABLE_SOCKET_SCRIPT);
      return AppPage.open(page, server.url, name, options.path);
    },
    rawUser: () => browser.newUser(server.url),
    async close() {
      await browser.close().catch(() => undefined);
      await server.close();
    },
  };
}

/** Both sides of a call decode video, and keep decoding. */
export async function expectMediaFlowing(...users: AppPage[]): Promise<void> {
  await Promise.all(users.map((user) => user.waitForFramesRising(10)));
}
