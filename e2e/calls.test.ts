import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { histogramOf, scrape } from "../packages/server/test/support/scrape.js";
import type { AppPage } from "./support/app-page.js";
import { expectMediaFlowing, startScenario, type Scenario } from "./support/scenario.js";

describe("calls between app users", () => {
  let scenario: Scenario;
  let alice: AppPage;
  let bob: AppPage;
  let carol: AppPage;

  beforeAll(async () => {
    scenario = await startScenario();
    [alice, bob, carol] = await Promise.all([
      scenario.user("alice", { holdableSocket: true }),
      scenario.user("bob", { holdableSocket: true }),
      scenario.user("carol"),
    ]);
    for (const user of [alice, bob, carol]) await user.waitForUsers(["alice", "bob", "carol"]);
  });

  afterAll(async () => {
    await scenario?.close();
  });

  // Every scenario leaves everyone idle and available for the next one.
  afterEach(async () => {
    for (const user of [alice, bob, carol]) {
      if (user.page.isClosed()) continue;
      await user.waitForCallState("idle");
    }
  });

  it("call -> accept -> both sides decode frames -> hang up -> both idle", async () => {
    await alice.call("bob");
    await alice.waitForCallState("ringing-out");
    await bob.waitForCallState("ringing-in");
    await bob.accept("alice");
    await Promise.all([alice.waitForCallState("active"), bob.waitForCallState("active")]);
    expect(await alice.callPeer()).toBe("bob");
    expect(await bob.callPeer()).toBe("alice");
    await expectMediaFlowing(alice, bob);
    // Each side told the server how long its peer connection took to connect (call-metrics).
    const setups = async () => histogramOf(await scrape(`${scenario.server.url}/metrics`), "switchboard_call_setup_seconds", { kind: "direct" });
    await expect.poll(async () => (await setups()).count).toBe(2);
    expect((await setups()).sum).toBeGreaterThan(0);
    // Others see both as busy; the call view shows a running timer and a quality reading.
    await carol.waitForUserStatus("alice", "busy");
    await carol.waitForUserStatus("bob", "busy");
    await alice.page.locator('.quality:not([data-quality="unknown"])').waitFor();
    await alice.hangUp();
    await Promise.all([alice.waitForCallState("idle"), bob.waitForCallState("idle")]);
    await carol.waitForUserStatus("alice", "available");
    await carol.waitForUserStatus("bob", "available");
  });

  it("mute and camera off are toggles with a pressed state", async () => {
    await alice.call("bob");
    await bob.accept("alice");
    await alice.waitForCallState("active");
    const mute = alice.page.getByRole("button", { name: "Mute microphone" });
    await mute.click();
    expect(await alice.page.getByRole("button", { name: "Unmute microphone" }).getAttribute("aria-pressed")).toBe("true");
    expect(await alice.page.evaluate(() => window.__switchboard?.localTracks().audio)).toBe(false);
    await alice.page.getByRole("button", { name: "Turn camera off" }).click();
    expect(await alice.page.evaluate(() => window.__switchboard?.localTracks().video)).toBe(false);
    await alice.page.getByRole("button", { name: "Turn camera on" }).click();
    expect(await alice.page.evaluate(() => window.__switchboard?.localTracks().video)).toBe(true);
    await bob.hangUp();
    await Promise.all([alice.waitForCallState("idle"), bob.waitForCallState("idle")]);
  });

  it("decline: the caller is told why (calling from the keyboard)", async () => {
    await alice.page.getByRole("button", { name: "Call bob", exact: true }).press("Enter");
    await bob.decline("alice");
    await alice.waitForNotice(/bob declined/i);
    await Promise.all([alice.waitForCallState("idle"), bob.waitForCallState("idle")]);
  });

  it("busy: a third user calling someone in a call is told so", async () => {
    await alice.call("bob");
    await bob.accept("alice");
    await Promise.all([alice.waitForCallState("active"), bob.waitForCallState("active")]);
    await carol.waitForUserStatus("bob", "busy");
    // Busy users are marked but still callable, so the caller learns it from the callee.
    await carol.call("bob (busy)");
    await carol.waitForNotice(/bob is busy/i);
    await carol.waitForCallState("idle");
    expect(await bob.callState()).toBe("active");
    expect(await bob.callPeer()).toBe("alice");
    await alice.hangUp();
  });

  it("cancel while ringing: the callee's ringing stops", async () => {
    await alice.call("bob");
    await bob.waitForIncoming("alice");
    await alice.cancelCall();
    await Promise.all([alice.waitForCallState("idle"), bob.waitForCallState("idle")]);
    await bob.waitForNotice(/missed call from alice/i);
    expect(await bob.page.getByRole("dialog", { name: "Incoming call" }).isVisible()).toBe(false);
  });

  it("glare: both call each other at once -> exactly one call, media flows", async () => {
    // Both click "Call" while neither can hear the other yet (incoming frames held, like a
    // stalled network): both invites are out before either arrives.
    await Promise.all([alice.holdIncoming(), bob.holdIncoming()]);
    await Promise.all([alice.call("bob"), bob.call("alice")]);
    expect([await alice.callState(), await bob.callState()]).toEqual(["ringing-out", "ringing-out"]);
    await Promise.all([alice.releaseIncoming(), bob.releaseIncoming()]);
    // Whichever way the SDK resolves glare, both end up in one active call with each other.
    for (const [user, peer] of [[alice, "bob"], [bob, "alice"]] as const) {
      await user.page.waitForFunction(() => ["active", "ringing-in"].includes(window.__switchboard?.callState() ?? ""));
      if ((await user.callState()) === "ringing-in") await user.accept(peer);
    }
    await Promise.all([alice.waitForCallState("active"), bob.waitForCallState("active")]);
    expect(await alice.callPeer()).toBe("bob");
    expect(await bob.callPeer()).toBe("alice");
    await expectMediaFlowing(alice, bob);
    expect(await alice.page.getByRole("dialog", { name: "Incoming call" }).isVisible()).toBe(false);
    expect(await bob.page.getByRole("dialog", { name: "Incoming call" }).isVisible()).toBe(false);
    await bob.hangUp();
  });

  it("without a camera the call still works audio-only, and the user is told why", async () => {
    const erin = await scenario.user("erin", { cameraError: "NotFoundError" });
    await erin.waitForUsers(["bob"]);
    await erin.call("bob");
    await erin.waitForNotice(/No camera or microphone was found.*audio only/);
    await bob.accept("erin");
    await Promise.all([erin.waitForCallState("active"), bob.waitForCallState("active")]);
    // erin still receives bob's video.
    await erin.waitForFramesRising(10);
    expect(await erin.page.evaluate(() => window.__switchboard?.localTracks())).toEqual({ audio: true, video: false });
    await erin.hangUp();
    await Promise.all([erin.waitForCallState("idle"), bob.waitForCallState("idle")]);
    await erin.page.close();
  });

  it("with camera and microphone refused the call is receive-only, with a clear message", async () => {
    const fred = await scenario.user("fred", { mediaError: "NotAllowedError" });
    await fred.waitForUsers(["bob"]);
    await bob.call("fred");
    await fred.accept("bob");
    await fred.waitForNotice(/was blocked.*can't see or hear you/);
    await Promise.all([fred.waitForCallState("active"), bob.waitForCallState("active")]);
    await fred.waitForFramesRising(10);
    await bob.hangUp();
    await Promise.all([fred.waitForCallState("idle"), bob.waitForCallState("idle")]);
    await fred.page.close();
  });

  it("the callee closes its tab mid-call: the caller is idle within 1 s", async () => {
    const dave = await scenario.user("dave");
    await alice.waitForUsers(["dave"]);
    await alice.call("dave");
    await dave.accept("alice");
    await Promise.all([alice.waitForCallState("active"), dave.waitForCallState("active")]);
    await expectMediaFlowing(alice);
    const idleAt = await alice.timeWhenCallState("idle");
    const closedAt = Date.now();
    await dave.page.close();
    await alice.waitForCallState("idle", 5_000);
    expect((await idleAt()) - closedAt).toBeLessThan(1_000);
    await alice.waitForNotice(/dave (left|hung up|disconnected)|call ended/i);
  });
});
