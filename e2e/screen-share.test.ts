// Screen sharing in the web app, in Chromium: getDisplayMedia with the fake-device and
// fake-UI flags (e2e/support/browser.ts) resolves headless to a synthetic 1280x720 screen, no
// extra flag needed. Media is checked by the frames each screen tile's video really decodes
// (inbound-rtp of its track); sizes are capped with ?video=320x240@15 (many users, two cores).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppPage } from "./support/app-page.js";
import { appUsersPerFile } from "./support/app-users.js";
import { GroupCallPage } from "./support/group-page.js";
import {
  browserStopsSharing,
  clickShareScreen,
  expectScreenDecoding,
  keepScreenTrack,
  keptScreenTrackState,
  screenTile,
  videoTracksSent,
} from "./support/screen-share.js";

const SMALL_VIDEO = "?video=320x240@15";

describe("screen sharing", () => {
  const users = appUsersPerFile();

  const open = (name: string, path: string): Promise<AppPage> => users.open(name, path);

  it("1:1: the other side decodes the shared screen as its own tile; the browser's Stop sharing removes it; hanging up stops the capture", async () => {
    const [alice, bob] = await Promise.all([open("alice", `/${SMALL_VIDEO}`), open("bob", `/${SMALL_VIDEO}`)]);
    await alice.waitForUsers(["bob"]);
    await alice.call("bob");
    await bob.accept("alice");
    await Promise.all([alice.waitForCallState("active"), bob.waitForCallState("active")]);

    // The user closes the browser's picker: a calm word, nothing pressed.
    await alice.page.evaluate(() => {
      const devices = navigator.mediaDevices as MediaDevices & { __original?: MediaDevices["getDisplayMedia"] };
      devices.__original = devices.getDisplayMedia.bind(devices);
      devices.getDisplayMedia = () => Promise.reject(new DOMException("Permission denied", "NotAllowedError"));
    });
    await alice.page.getByRole("button", { name: "Share your screen" }).click();
    await alice.waitForNotice(/Screen sharing was cancelled/);
    expect(await alice.page.getByRole("button", { name: "Share your screen" }).getAttribute("aria-pressed")).toBe("false");
    await alice.page.evaluate(() => {
      const devices = navigator.mediaDevices as MediaDevices & { __original?: MediaDevices["getDisplayMedia"] };
      devices.getDisplayMedia = devices.__original!;
    });

    await clickShareScreen(alice.page);
    expect(await screenTile(alice.page, "").textContent()).toBe("You are presenting");
    await expectScreenDecoding(bob.page, "alice");
    expect(await screenTile(bob.page, "alice").textContent()).toBe("alice is presenting");
    // Its own track, next to the camera, which keeps going.
    const tracks = await bob.page.evaluate(() => ({
      camera: ((document.querySelector(".remote-video") as HTMLVideoElement).srcObject as MediaStream).getVideoTracks().map((t) => t.id),
      screen: ((document.querySelector('.screen-tile[data-presenter="alice"] video') as HTMLVideoElement).srcObject as MediaStream).getVideoTracks().map((t) => t.id),
    }));
    expect(tracks.camera).toHaveLength(1);
    expect(tracks.screen).toHaveLength(1);
    expect(tracks.camera).not.toEqual(tracks.screen);
    await bob.waitForFramesRising(10);
    expect(await videoTracksSent(alice.page)).toBe(2);

    await browserStopsSharing(alice.page);
    await screenTile(bob.page, "alice").waitFor({ state: "detached", timeout: 20_000 });
    await screenTile(alice.page, "").waitFor({ state: "detached" });
    expect(await alice.page.getByRole("button", { name: "Share your screen" }).getAttribute("aria-pressed")).toBe("false");
    // Renegotiated away: alice sends her camera only.
    await expect.poll(() => videoTracksSent(alice.page), { timeout: 20_000 }).toBe(1);
    await bob.waitForFramesRising(10);

    // Again (on the same transceiver), then hang up while sharing: the capture stops.
    await clickShareScreen(alice.page);
    await expectScreenDecoding(bob.page, "alice");
    await keepScreenTrack(alice.page);
    await alice.hangUp();
    await Promise.all([alice.waitForCallState("idle"), bob.waitForCallState("idle")]);
    expect(await keptScreenTrackState(alice.page)).toBe("ended");
    expect(await screenTile(bob.page, "alice").count()).toBe(0);
    expect(await screenTile(alice.page, "").count()).toBe(0);
  });

  it("group of three: both others decode the share, a late joiner gets it too, and stopping removes it everywhere", async () => {
    const room = `/r/screens${SMALL_VIDEO}`;
    const [alice, bob, carol, dave] = (await Promise.all(["alice2", "bob2", "carol2", "dave2"].map((name) => open(name, room)))).map(
      (app) => new GroupCallPage(app),
    ) as [GroupCallPage, GroupCallPage, GroupCallPage, GroupCallPage];
    for (const user of [alice, bob, carol]) await user.join();
    for (const user of [alice, bob, carol]) await user.waitForTiles(["alice2", "bob2", "carol2"]);

    await clickShareScreen(bob.page);
    await Promise.all([expectScreenDecoding(alice.page, "bob2"), expectScreenDecoding(carol.page, "bob2")]);
    expect(await screenTile(carol.page, "bob2").textContent()).toBe("bob2 is presenting");
    expect(await screenTile(bob.page, "").textContent()).toBe("You are presenting");
    // The cameras keep going next to it.
    expect(await carol.expectVideoRisingFrom(["alice2", "bob2"])).toBe(2);

    await dave.join();
    await expectScreenDecoding(dave.page, "bob2");
    expect(await screenTile(dave.page, "bob2").textContent()).toBe("bob2 is presenting");

    await bob.page.getByRole("button", { name: "Stop sharing your screen" }).click();
    for (const viewer of [alice, carol, dave]) await screenTile(viewer.page, "bob2").waitFor({ state: "detached", timeout: 20_000 });
    expect(await screenTile(bob.page, "").count()).toBe(0);
    for (const user of [alice, bob, carol, dave]) await user.leave();
  });
});
