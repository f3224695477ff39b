import type { ConfigInput } from "@switchboard/server";
import { startJanus, type RunningJanus } from "../../packages/server/test/support/janus.js";
import { launchNetnsBrowser, type NetnsBrowser } from "../../packages/server/test/support/netns-browser.js";
import { createTestNetns, type TestNetns } from "../../packages/server/test/support/netns.js";
import { AppPage } from "./app-page.js";
import { GroupCallPage } from "./group-page.js";
import { trackPeerConnections } from "./peer-connections.js";
import { startServer, type RunningServer } from "./server.js";

/** The app's group-call camera option: 320x240 at 15 fps, so that five users encode and decode on two cores. */
export const SMALL_VIDEO = "?video=320x240@15";

/**
 * Group calls of the real app through a real Janus: a network namespace of the test's own with
 * Janus in it (Janus gathers no candidates on loopback), Switchboard servers in this process on
 * the namespace's host address, and each user a Chromium of its own inside the namespace. No
 * vitest in here: the bench uses it too.
 */
export interface MediaStage {
  readonly netns: TestNetns;
  readonly janus: RunningJanus;
  /** A Switchboard server with `config`; JANUS_URL is this stage's Janus unless `config` says otherwise. */
  startServer(config?: ConfigInput): Promise<RunningServer>;
  /**
   * A user of `server`'s app in a Chromium of its own, its peer connections tracked, logged in as
   * `name` in `room` with the small camera; not in the group call yet.
   */
  openUser(server: RunningServer, name: string, room: string): Promise<StageUser>;
  /** Closes what the stage started and is still open (browsers, servers, Janus, the namespace); after a failure too. */
  close(): Promise<void>;
}

export interface StageUser {
  readonly call: GroupCallPage;
  readonly browser: NetnsBrowser;
  /** Uncaught errors of the user's page so far. */
  readonly pageErrors: readonly string[];
  /** How the latest `group-call` the page received says the call's media goes (absent: mesh); null before one. */
  groupCallMedia(): "mesh" | "sfu" | null;
  /** Closes the user's browser. */
  close(): Promise<void>;
}

export async function startMediaStage(): Promise<MediaStage> {
  const netns = await createTestNetns();
  let janus: RunningJanus;
  try {
    janus = await startJanus(netns);
  } catch (error) {
    await netns.close();
    throw error;
  }
  const servers = new Set<RunningServer>();
  const browsers = new Set<NetnsBrowser>();

  const closeBrowser = async (browser: NetnsBrowser) => {
    if (!browsers.delete(browser)) return;
    await browser.close();
  };

  return {
    netns,
    janus,
    async startServer(config = {}) {
      const server = await startServer({ host: netns.hostAddress, janusUrl: janus.url, ...config });
      servers.add(server);
      return server;
    },
    async openUser(server, name, room) {
      const browser = await launchNetnsBrowser(netns, server.url);
      browsers.add(browser);
      const pageErrors: string[] = [];
      try {
        const page = await browser.newPage();
        page.on("pageerror", (error) => pageErrors.push(String(error)));
        let media: "mesh" | "sfu" | null = null;
        page.on("websocket", (socket) =>
          socket.on("framereceived", ({ payload }) => {
            if (typeof payload !== "string" || !payload.includes('"group-call"')) return;
            const message = JSON.parse(payload) as { type?: string; media?: "mesh" | "sfu" };
            if (message.type === "group-call") media = message.media ?? "mesh";
          }),
        );
        await trackPeerConnections(page);
        const app = await AppPage.open(page, server.url, name, `/r/${encodeURIComponent(room)}${SMALL_VIDEO}`);
        return { call: new GroupCallPage(app), browser, pageErrors, groupCallMedia: () => media, close: () => closeBrowser(browser) };
      } catch (error) {
        await closeBrowser(browser);
        throw error;
      }
    },
    async close() {
      const settle = (tasks: Promise<unknown>[]) => Promise.allSettled(tasks);
      await settle([...browsers].map(closeBrowser));
      await settle([...servers].map((server) => server.close()));
      servers.clear();
      await janus.stop();
      await netns.close();
    },
  };
}
