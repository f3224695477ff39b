// NAT traversal with a real coturn on 127.0.0.1: relay-only calls (the app's ?relay=1) with
// Switchboard's short-lived TURN credentials (TURN_SECRET), a wrong secret, an expired
// credential, and an ICE restart across a coturn restart.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { AppPage } from "./support/app-page.js";
import { launchBrowser, type TestBrowser } from "./support/browser.js";
import { startCoturn, turnCredential, type Coturn } from "./support/coturn.js";
import {
  gatherRelayCandidates,
  peerConnectionCount,
  selectedPath,
  trackPeerConnections,
  waitForConnectionState,
} from "./support/peer-connections.js";
import { expectMediaFlowing } from "./support/scenario.js";
import { startServer, type RunningServer } from "./support/server.js";

const RELAY_MESSAGE = /The relay \(TURN\) server could not be reached or refused our credentials/;

describe("TURN relaying with coturn", () => {
  let coturn: Coturn;
  let browser: TestBrowser;
  /** TURN_SECRET = coturn's secret. */
  let server: RunningServer;
  /** TURN_SECRET differs from coturn's. */
  let wrongSecretServer: RunningServer;
  let alice: AppPage;
  let bob: AppPage;

  /** A user of the app in relay-only mode, its peer connections tracked. */
  async function relayUser(origin: string, name: string): Promise<AppPage> {
    const { page } = await browser.newUser(origin);
    await trackPeerConnections(page);
    return AppPage.open(page, origin, name, "/?relay=1");
  }

  async function connectedCall(caller: AppPage, callee: AppPage): Promise<void> {
    await caller.call(callee.name);
    await callee.accept(caller.name);
    await Promise.all([caller.waitForCallState("active"), callee.waitForCallState("active")]);
    await expectMediaFlowing(caller, callee);
  }

  beforeAll(async () => {
    [coturn, browser] = await Promise.all([startCoturn(), launchBrowser()]);
    [server, wrongSecretServer] = await Promise.all([
      startServer({ turnUrls: coturn.url, turnSecret: coturn.secret }),
      startServer({ turnUrls: coturn.url, turnSecret: `not-${coturn.secret}` }),
    ]);
    [alice, bob] = await Promise.all([relayUser(server.url, "alice"), relayUser(server.url, "bob")]);
    await Promise.all([alice.waitForUsers(["bob"]), bob.waitForUsers(["alice"])]);
  });

  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    await Promise.all([server?.close(), wrongSecretServer?.close()]);
    await coturn?.dispose();
  });

  afterEach(async () => {
    await Promise.all([alice.waitForCallState("idle"), bob.waitForCallState("idle")]);
  });

  it("a relay-only call connects through coturn: both sides send over a relay candidate and decode frames", async () => {
    await connectedCall(alice, bob);
    for (const user of [alice, bob]) {
      expect(await selectedPath(user.page), `${user.name}'s selected candidate pair`).toEqual({ local: "relay", remote: "relay" });
    }
    await alice.hangUp();
  });

  it("ICE restart: coturn stops and comes back on the same ports; the same call recovers by itself", async () => {
    await connectedCall(alice, bob);
    const peerConnections = await Promise.all([alice, bob].map((user) => peerConnectionCount(user.page)));

    await coturn.stop();
    // The relayed path is dead: ICE notices on both sides.
    await Promise.all([alice, bob].map((user) => waitForConnectionState(user.page, ["disconnected", "failed"])));
    await coturn.start();
    // No user action: ICE recovery restarts ICE (fresh allocations on the new coturn).
    await Promise.all([alice, bob].map((user) => waitForConnectionState(user.page, ["connected"])));
    await Promise.all([alice.waitForFramesRising(10, 20_000), bob.waitForFramesRising(10, 20_000)]);

    // The same call: no hang-up, no new peer connection, still relayed.
    expect([await alice.callState(), await bob.callState()]).toEqual(["active", "active"]);
    expect(await Promise.all([alice, bob].map((user) => peerConnectionCount(user.page)))).toEqual(peerConnections);
    expect(await selectedPath(alice.page)).toEqual({ local: "relay", remote: "relay" });
    await bob.hangUp();
  });

  it("with the wrong TURN secret a relay-only call fails, and the app says the relay refused it", async () => {
    const [carol, dave] = await Promise.all([relayUser(wrongSecretServer.url, "carol"), relayUser(wrongSecretServer.url, "dave")]);
    await carol.waitForUsers(["dave"]);
    await carol.call("dave");
    await dave.accept("carol");
    await Promise.all([carol.waitForNotice(RELAY_MESSAGE), dave.waitForNotice(RELAY_MESSAGE)]);
    await Promise.all([carol.waitForCallState("idle"), dave.waitForCallState("idle")]);
    await Promise.all([carol.page.context().close(), dave.page.context().close()]);
  });

  it("coturn refuses an expired credential (and grants a valid one)", async () => {
    const { page } = await browser.newUser(server.url);
    const now = Math.floor(Date.now() / 1000);
    const probe = (expiresAt: number) =>
      gatherRelayCandidates(page, { urls: coturn.url, ...turnCredential(coturn.secret, "eve", expiresAt) });
    const valid = await probe(now + 600);
    expect(valid.relay).toBeGreaterThan(0);
    const expired = await probe(now - 60);
    expect(expired).toEqual({ relay: 0, errors: expect.arrayContaining([401]) });
    await page.context().close();
  });
});
