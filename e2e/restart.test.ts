// Calls across signaling outages, in Chromium with real media: the server restarting mid-call
// (drain with 1012, a new process on the same port), 1:1 and in a group call, and one user's
// connection dropping abruptly. Media flows peer to peer, so it must never stop; signaling must
// come back by itself.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { AppPage } from "./support/app-page.js";
import { launchBrowser, type TestBrowser } from "./support/browser.js";
import { GroupCallPage } from "./support/group-page.js";
import { peerConnectionCount, trackPeerConnections } from "./support/peer-connections.js";
import { expectMediaFlowing } from "./support/scenario.js";
import { startServer, type RunningServer } from "./support/server.js";
import { startTcpProxy, type TcpProxy } from "./support/tcp-proxy.js";

describe("calls across signaling outages", () => {
  let browser: TestBrowser;
  let running: RunningServer;
  let port: number;
  /** Alice reaches the server only through this, so her connection can be cut. */
  let proxy: TcpProxy;
  let alice: AppPage;
  let bob: AppPage;

  async function openUser(origin: string, name: string): Promise<AppPage> {
    const { page } = await browser.newUser(origin);
    return AppPage.open(page, origin, name);
  }

  async function connectedCall(caller: AppPage, callee: AppPage): Promise<void> {
    await caller.call(callee.name);
    await callee.accept(caller.name);
    await Promise.all([caller.waitForCallState("active"), callee.waitForCallState("active")]);
    await expectMediaFlowing(caller, callee);
  }

  const connection = (user: AppPage, state: "open" | "reconnecting") =>
    user.page.locator(`.connection[data-state="${state}"]`).waitFor({ timeout: 15_000 });

  async function sessionsResumed(): Promise<number> {
    const metrics = await (await fetch(`${running.url}/metrics`)).text();
    const value = /^switchboard_sessions_resumed_total (\d+)$/m.exec(metrics)?.[1];
    // Number(undefined) is NaN, and expect(NaN).toBe(NaN + 1) passes: a missing metric must fail.
    if (value === undefined) throw new Error("/metrics has no switchboard_sessions_resumed_total");
    return Number(value);
  }

  beforeAll(async () => {
    [running, browser] = await Promise.all([startServer(), launchBrowser()]);
    port = Number(new URL(running.url).port);
    proxy = await startTcpProxy(port);
    [alice, bob] = await Promise.all([openUser(proxy.url, "alice"), openUser(running.url, "bob")]);
    await Promise.all([alice.waitForUsers(["bob"]), bob.waitForUsers(["alice"])]);
  });

  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    await proxy?.close();
    await running?.close();
  });

  afterEach(async () => {
    await Promise.all([alice.waitForCallState("idle"), bob.waitForCallState("idle")]);
  });

  it("a server restart mid-call: media never stops, both log in again, then chat, hang-up and a new call work", async () => {
    await connectedCall(alice, bob);

    // The server drains (1012) and is gone: both clients try to reconnect, media flows on.
    const draining = running.close();
    await Promise.all([connection(alice, "reconnecting"), connection(bob, "reconnecting")]);
    await draining;
    await expectMediaFlowing(alice, bob);

    // A new server on the same port: both log in again by themselves, still in the call.
    running = await startServer({ port });
    await Promise.all([connection(alice, "open"), connection(bob, "open")]);
    await Promise.all([alice.waitForUserStatus("bob", "busy"), bob.waitForUserStatus("alice", "busy")]);
    // Read now, not the names given at the first login: each logged in again as itself.
    expect([await alice.selfName(), await bob.selfName()]).toEqual(["alice", "bob"]);
    for (const user of [alice, bob]) expect((await user.users()).map((u) => u.name).sort()).toEqual(["alice", "bob"]);
    expect([await alice.callState(), await bob.callState()]).toEqual(["active", "active"]);
    await expectMediaFlowing(alice, bob);

    await alice.sendChat("back after the restart");
    await bob.waitForChat("alice", "back after the restart");

    // Hang-up reaches the other side through the new server.
    await alice.hangUp();
    await bob.waitForCallState("idle");
    await alice.waitForCallState("idle");

    await connectedCall(bob, alice);
    await bob.hangUp();
  });

  it("a dropped connection mid-call: media flows on, the session resumes (nobody sees a leave), negotiation works after", async () => {
    await connectedCall(alice, bob);
    // Bob's page notes whether alice ever vanished from his user list.
    await bob.page.evaluate(() => {
      const state = window as unknown as { __aliceLeft: boolean };
      state.__aliceLeft = false;
      new MutationObserver(() => {
        if (!document.querySelector('.user-row[data-user="alice"]')) state.__aliceLeft = true;
      }).observe(document.body, { childList: true, subtree: true, attributes: true });
    });
    const resumed = await sessionsResumed();

    proxy.refuse();
    proxy.cut(); // No close frame: both ends see 1006.
    await connection(alice, "reconnecting");
    await expectMediaFlowing(alice, bob);
    proxy.accept();
    await connection(alice, "open");
    expect(await sessionsResumed()).toBe(resumed + 1);
    expect(await bob.page.evaluate(() => (window as unknown as { __aliceLeft: boolean }).__aliceLeft)).toBe(false);
    expect([await alice.callState(), await bob.callState()]).toEqual(["active", "active"]);
    await expectMediaFlowing(alice, bob);

    await bob.hangUp();
    await alice.waitForCallState("idle");
  });

  it("a server restart mid group call: all stay in it with their tiles and peer connections, media never stops, a mute still reaches the others", async () => {
    const names = ["ana", "ben", "cy"];
    const users = await Promise.all(
      names.map(async (name) => {
        const { page } = await browser.newUser(running.url);
        await trackPeerConnections(page);
        return new GroupCallPage(await AppPage.open(page, running.url, name, "/r/standup?video=320x240@15"));
      }),
    );
    const allVideoRising = () => Promise.all(users.map((user) => user.expectVideoRisingFrom(names.filter((name) => name !== user.app.name))));
    for (const user of users) await user.join();
    for (const user of users) await user.waitForTiles(names);
    await allVideoRising();
    // Each page notes whether it ever left the call.
    for (const user of users) {
      await user.page.evaluate(() => {
        const app = document.querySelector<HTMLElement>("#app")!;
        const state = window as unknown as { __leftCall: boolean };
        state.__leftCall = false;
        new MutationObserver(() => {
          if (app.dataset.groupState !== "joined") state.__leftCall = true;
        }).observe(app, { attributes: true });
      });
    }

    const draining = running.close();
    await Promise.all(users.map((user) => connection(user.app, "reconnecting")));
    await draining;
    await allVideoRising();
    running = await startServer({ port });
    await Promise.all(users.map((user) => connection(user.app, "open")));
    // Back in the new server's call (the banner shows its list), the same tiles and connections.
    for (const user of users) await expect.poll(async () => (await user.participants()).sort(), { timeout: 15_000 }).toEqual(names);
    for (const user of users) {
      expect((await user.tiles()).sort()).toEqual(names);
      expect(await peerConnectionCount(user.page)).toBe(2);
    }
    await allVideoRising();
    const leftCall = (user: GroupCallPage) => user.page.evaluate(() => (window as unknown as { __leftCall: boolean }).__leftCall);
    expect(await Promise.all(users.map(leftCall))).toEqual([false, false, false]);
    // The new server knows the pairs: ana's untargeted mute reaches both tiles of her.
    await users[0]!.page.getByRole("button", { name: "Mute microphone" }).click();
    for (const user of users.slice(1)) await user.page.locator('.tile[data-peer="ana"][data-audio="false"]').waitFor({ timeout: 15_000 });

    for (const user of users) await user.leave();
    for (const user of users) await user.page.close();
  });
});
