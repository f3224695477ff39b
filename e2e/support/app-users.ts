import { afterAll, beforeAll, expect } from "vitest";
import { AppPage } from "./app-page.js";
import { launchBrowser, type TestBrowser, type TestUser } from "./browser.js";
import { trackPeerConnections } from "./peer-connections.js";
import { startServer, type RunningServer } from "./server.js";

export interface AppUsers {
  readonly server: RunningServer;
  /**
   * A new user (own context) with its peer connections tracked (see trackPeerConnections),
   * logged in as `name` at `path`; `origin`: where the page is opened from (the server, or a
   * proxy in front of it). The name must be given as asked.
   */
  open(name: string, path?: string, origin?: string): Promise<AppPage>;
  /** Closes every page opened so far. */
  closeAll(): Promise<void>;
}

/**
 * One server and one browser for a test file, started before its tests and closed after them,
 * when no page may have thrown an uncaught error.
 */
export function appUsersPerFile(): AppUsers {
  let server: RunningServer | undefined;
  let browser: TestBrowser | undefined;
  const opened: TestUser[] = [];

  beforeAll(async () => {
    [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  });

  afterAll(async () => {
    const errors = opened.flatMap((user) => user.pageErrors);
    await browser?.close();
    await server?.close();
    expect(errors).toEqual([]);
  });

  const running = () => {
    if (!server || !browser) throw new Error("appUsersPerFile: not started (use it in a test or hook)");
    return { server, browser };
  };
  return {
    get server() {
      return running().server;
    },
    async open(name, path = "/", origin) {
      const { server: started, browser: launched } = running();
      const from = origin ?? started.url;
      const user = await launched.newUser(from);
      opened.push(user);
      await trackPeerConnections(user.page);
      const app = await AppPage.open(user.page, from, name, path);
      expect(app.name).toBe(name);
      return app;
    },
    async closeAll() {
      for (const user of opened) if (!user.page.isClosed()) await user.page.close();
    },
  };
}
