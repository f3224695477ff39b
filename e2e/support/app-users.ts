import type { ConfigInput } from "@switchboard/server";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, expect } from "vitest";
import { AppPage } from "./app-page.js";
import { launchBrowser, type TestBrowser, type TestUser } from "./browser.js";
import { trackPeerConnections } from "./peer-connections.js";
import { startServer, type RunningServer } from "./server.js";
import { useSmallCamera } from "./small-camera.js";

export interface AppUsers {
  readonly server: RunningServer;
  /**
   * A new user (own context) with its peer connections tracked (see trackPeerConnections),
   * logged in as `name` at `path`; `origin`: where the page is opened from (the server, or a
   * proxy in front of it). The name must be given as asked.
   */
  open(name: string, path?: string, origin?: string): Promise<AppPage>;
  /**
   * A new user (as `open`) who opens the app at `path` with `#token=<token>` (AUTH=jwt): the app
   * signs in with it by itself; resolves once in the workspace, under the token's name. Its
   * camera is capped at 320x240 (see useSmallCamera): 1:1 calls ask for more. `options.origin`:
   * as for `open`; `options.cookies`: set for that origin first (e.g. a front's login session).
   */
  signIn(token: string, path?: string, options?: SignInOptions): Promise<AppPage>;
  /** A new user's page (as `open`) at `path`, not logged in: for sign-ins meant to fail. */
  visit(path?: string): Promise<Page>;
  /** Closes every page opened so far. */
  closeAll(): Promise<void>;
}

export interface SignInOptions {
  origin?: string;
  cookies?: Record<string, string>;
}

/**
 * One server (with `config`) and one browser for a test file, started before its tests and
 * closed after them, when no page may have thrown an uncaught error.
 */
export function appUsersPerFile(config: ConfigInput = {}): AppUsers {
  let server: RunningServer | undefined;
  let browser: TestBrowser | undefined;
  const opened: TestUser[] = [];

  beforeAll(async () => {
    [server, browser] = await Promise.all([startServer(config), launchBrowser()]);
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
  const newPage = async (origin?: string) => {
    const { server: started, browser: launched } = running();
    const from = origin ?? started.url;
    const user = await launched.newUser(from);
    opened.push(user);
    await trackPeerConnections(user.page);
    return { page: user.page, from };
  };
  return {
    get server() {
      return running().server;
    },
    async open(name, path = "/", origin) {
      const { page, from } = await newPage(origin);
      const app = await AppPage.open(page, from, name, path);
      expect(app.name).toBe(name);
      return app;
    },
    async signIn(token, path = "/", { origin, cookies = {} } = {}) {
      const { page, from } = await newPage(origin);
      await page.context().addCookies(Object.entries(cookies).map(([name, value]) => ({ name, value, url: from })));
      await useSmallCamera(page);
      return AppPage.signIn(page, from, token, path);
    },
    async visit(path = "/") {
      const { page, from } = await newPage();
      await page.goto(from + path);
      return page;
    },
    async closeAll() {
      for (const user of opened) if (!user.page.isClosed()) await user.page.close();
    },
  };
}
