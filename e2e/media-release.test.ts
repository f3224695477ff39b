// The SDK releases what it opens: after a call, following the README's "Use the SDK" example
// (localMedia: () => getUserMedia(...)), no camera or microphone track the SDK opened is live.
// Alice runs that example in a bare page with nothing but the SDK; bob runs the app.
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppPage } from "./support/app-page.js";
import { startScenario, type Scenario } from "./support/scenario.js";
import { openedTrackStates, openSdkPage, trackOpenedMedia, waitForOpenedTracksEnded } from "./support/sdk-page.js";

/** The README's example, as written there (plus a handle on the current call for the test). */
async function runReadmeExample(page: Page, name: string): Promise<void> {
  await page.evaluate(async (me) => {
    const { CallManager, SignalingClient } = (window as any).sdk;
    const signaling = new SignalingClient(); // this page's origin, /ws
    await signaling.login(me);
    const calls = new CallManager(signaling, {
      localMedia: () => navigator.mediaDevices.getUserMedia({ audio: true, video: true }),
    });
    const demo: any = { signaling, calls, session: null };
    const show = (session: any) => {
      demo.session = session;
      session.on("remote-stream", (stream: MediaStream) => ((document.getElementById("remote") as HTMLVideoElement).srcObject = stream));
    };
    calls.on("incoming-call", (session: any) => void session.accept());
    calls.on("call", show);
    (window as any).demo = demo;
  }, name);
}

const sessionState = (page: Page) => page.evaluate(() => (window as any).demo.session?.state ?? "none");

async function framesDecoded(page: Page): Promise<number> {
  return page.evaluate(async () => (await (window as any).demo.session?.getStats())?.framesDecoded ?? 0);
}

describe("the SDK stops the camera and microphone it opened", () => {
  let scenario: Scenario;
  let alice: Page;
  let bob: AppPage;

  beforeAll(async () => {
    scenario = await startScenario();
    const [sdkUser, appUser] = await Promise.all([scenario.rawUser(), scenario.rawUser()]);
    await Promise.all([trackOpenedMedia(sdkUser.page), trackOpenedMedia(appUser.page)]);
    await openSdkPage(sdkUser.page, scenario.server.url);
    await runReadmeExample(sdkUser.page, "alice");
    alice = sdkUser.page;
    bob = await AppPage.open(appUser.page, scenario.server.url, "bob");
    await bob.waitForUsers(["alice"]);
  });

  afterAll(async () => {
    await scenario?.close();
  });

  it("README example: after the caller hangs up, every track the SDK opened has ended (both sides)", async () => {
    await alice.evaluate(() => void (window as any).demo.calls.call("bob"));
    await bob.accept("alice");
    await bob.waitForCallState("active");
    await expect.poll(() => sessionState(alice), { timeout: 15_000 }).toBe("connected");
    // Media really flows both ways: bob decodes alice's camera, alice decodes bob's.
    await bob.waitForFramesRising(10);
    const start = await framesDecoded(alice);
    await expect.poll(() => framesDecoded(alice), { timeout: 15_000, interval: 100 }).toBeGreaterThanOrEqual(start + 10);
    expect(await openedTrackStates(alice)).toEqual(["live", "live"]);
    expect(await openedTrackStates(bob.page)).toEqual(["live", "live"]);

    const statesAfterHangUp = await alice.evaluate(() => {
      (window as any).demo.session.hangUp();
      return (window as any).__openedTracks.map((track: MediaStreamTrack) => track.readyState);
    });
    expect(statesAfterHangUp).toEqual(["ended", "ended"]); // At once, in the same task as hangUp().
    await bob.waitForCallState("idle");
    await waitForOpenedTracksEnded(bob.page, 2); // The app's path: the SDK stopped what it was given.
  });

  it("when the other side hangs up, the SDK stops its tracks too", async () => {
    await bob.call("alice"); // alice's page accepts by itself, as in the README.
    await bob.waitForCallState("active");
    await bob.waitForFramesRising(10);
    expect(await openedTrackStates(alice)).toEqual(["ended", "ended", "live", "live"]);
    await bob.hangUp();
    await bob.waitForCallState("idle");
    await waitForOpenedTracksEnded(alice, 4);
    await waitForOpenedTracksEnded(bob.page, 4);
  });

  it("a camera that opens only after the call ended is stopped at once", async () => {
    await alice.evaluate(() => (window as any).__holdMedia());
    await alice.evaluate(() => void (window as any).demo.calls.call("bob"));
    await bob.waitForIncoming("alice");
    await alice.waitForFunction(() => (window as any).__mediaRequests === 3);
    await alice.evaluate(() => (window as any).demo.session.hangUp()); // Cancelled while the camera still opens.
    await bob.waitForCallState("idle");
    expect(await sessionState(alice)).toBe("ended");
    await alice.evaluate(() => (window as any).__releaseMedia()); // The camera opens now.
    await waitForOpenedTracksEnded(alice, 6);
    expect(await openedTrackStates(alice)).toEqual(Array(6).fill("ended"));
  });
});
