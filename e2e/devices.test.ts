// Choosing camera, microphone and speaker, in Chromium with fake cameras (fake_device_0 and
// fake_device_2: see CHROMIUM_ARGS for why not _1), microphones and speakers. A switch must reach
// the other side without renegotiation: the sender's track changes, the receiver keeps decoding
// (framesDecoded rising) on the same remote track, and no signaling state changes anywhere.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppPage } from "./support/app-page.js";
import { appUsersPerFile } from "./support/app-users.js";
import { DevicesPage, expectPreviewAndMeter } from "./support/devices-page.js";
import { GroupCallPage } from "./support/group-page.js";

const SMALL_VIDEO = "?video=320x240@15";

describe("devices", () => {
  const users = appUsersPerFile();

  async function open(name: string, path = "/"): Promise<{ app: AppPage; devices: DevicesPage }> {
    const app = await users.open(name, path);
    return { app, devices: new DevicesPage(app.page) };
  }

  describe("1:1 calls", () => {
    let alice: { app: AppPage; devices: DevicesPage };
    let bob: { app: AppPage; devices: DevicesPage };

    beforeAll(async () => {
      [alice, bob] = await Promise.all([open("alice"), open("bob")]);
      await alice.app.waitForUsers(["bob"]);
    });

    async function connect(): Promise<void> {
      await alice.app.call("bob");
      await bob.app.accept("alice");
      await Promise.all([alice.app.waitForCallState("active"), bob.app.waitForCallState("active")]);
      await Promise.all([alice.app.waitForFramesRising(10), bob.app.waitForFramesRising(10)]);
    }

    it("Camera & mic before a call: preview and level meter; the camera picked there is the one the next call sends", async () => {
      await alice.app.page.getByRole("button", { name: "Camera & mic" }).click();
      await expectPreviewAndMeter(alice.app.page);
      const dialog = alice.app.page.getByRole("dialog", { name: "Camera & mic" });
      await alice.devices.choose(dialog, "Camera", "fake_device_2");
      await expect.poll(() => dialog.getByLabel("Your camera preview").evaluate((v) => ((v as HTMLVideoElement).srcObject as MediaStream).getVideoTracks()[0]?.label)).toBe("fake_device_2");
      await dialog.getByRole("button", { name: "Done" }).click();
      expect(await alice.app.page.evaluate(() => localStorage.getItem("switchboard.devices"))).toContain('"camera"');

      await connect();
      await alice.devices.waitForSent("video", ["fake_device_2"]);
      await alice.app.hangUp();
      await Promise.all([alice.app.waitForCallState("idle"), bob.app.waitForCallState("idle")]);
    });

    it("switching camera and microphone mid-call: the other side keeps decoding, nothing is renegotiated; the speaker is set with setSinkId", async () => {
      await connect();
      await alice.devices.waitForSent("video", ["fake_device_2"]);
      const remoteTrack = await bob.devices.remoteTrackId(".remote-video");
      await Promise.all([alice.devices.countNegotiation(), bob.devices.countNegotiation()]);

      const menu = await alice.devices.openCallMenu();
      await alice.devices.choose(menu, "Camera", "fake_device_0");
      await alice.devices.waitForSent("video", ["fake_device_0"]);
      await alice.devices.choose(menu, "Microphone", "Fake Audio Input 1");
      await alice.devices.waitForSent("audio", ["Fake Audio Input 1"]);
      // Frames decoded after the switch: the new camera's, on the same remote track.
      await bob.app.waitForFramesRising(15);
      expect(await bob.devices.remoteTrackId(".remote-video")).toBe(remoteTrack);
      // And back: a second switch is no different.
      await alice.devices.choose(menu, "Camera", "fake_device_2");
      await alice.devices.waitForSent("video", ["fake_device_2"]);
      await bob.app.waitForFramesRising(15);
      expect([await alice.devices.signalingChanges(), await bob.devices.signalingChanges()]).toEqual([0, 0]);

      // Bob plays alice on another speaker.
      const bobMenu = await bob.devices.openCallMenu();
      await bob.devices.choose(bobMenu, "Speaker", "Fake Audio Output 1");
      const wanted = await bobMenu.getByLabel("Speaker", { exact: true }).inputValue();
      expect(wanted).not.toBe("default");
      await expect.poll(() => bob.app.page.$eval(".remote-video", (video) => (video as HTMLVideoElement).sinkId)).toBe(wanted);

      await bob.app.hangUp();
      await Promise.all([alice.app.waitForCallState("idle"), bob.app.waitForCallState("idle")]);
    });

    it("the camera in use is unplugged: the call falls back to the other camera, says so, and the other side keeps decoding", async () => {
      await connect();
      await alice.devices.waitForSent("video", ["fake_device_2"]);
      await alice.devices.countNegotiation();
      const gone = await alice.devices.unplugSentCamera();
      expect(gone).toBe("fake_device_2");
      await alice.app.waitForNotice(/Your camera \(fake_device_2\) was disconnected; switched to fake_device_0\./);
      await alice.devices.waitForSent("video", ["fake_device_0"]);
      await bob.app.waitForFramesRising(15);
      expect(await alice.devices.signalingChanges()).toBe(0);
      await alice.app.hangUp();
      await Promise.all([alice.app.waitForCallState("idle"), bob.app.waitForCallState("idle")]);
    });
  });

  describe("group calls", () => {
    it("pre-join shows the preview and the meter; a camera switch in the call reaches every peer and a later joiner, without renegotiation", async () => {
      await users.closeAll();
      const path = `/r/devices${SMALL_VIDEO}`;
      const [alice, bob, carol] = await Promise.all([open("alice", path), open("bob", path), open("carol", path)]);
      const [aliceCall, bobCall, carolCall] = [alice, bob, carol].map((user) => new GroupCallPage(user.app));
      // Pre-join: the camera preview plays and the microphone meter moves before joining.
      await aliceCall!.openPrejoin();
      await expectPreviewAndMeter(alice.app.page);
      await alice.app.page.getByRole("dialog").getByRole("button", { name: "Join now" }).click();
      await alice.app.page.locator('#app[data-group-state="joined"]').waitFor({ state: "attached" });
      await bobCall!.join();
      await bobCall!.waitForTiles(["alice", "bob"]);
      await bobCall!.expectVideoRisingFrom(["alice"]);
      await alice.devices.waitForSent("video", ["fake_device_0"]); // A new user (its own storage): the default camera.

      const aliceTile = '.tile[data-peer="alice"] video';
      const remoteTrack = await bob.devices.remoteTrackId(aliceTile);
      await Promise.all([alice.devices.countNegotiation(), bob.devices.countNegotiation()]);
      const menu = await alice.devices.openCallMenu();
      await alice.devices.choose(menu, "Camera", "fake_device_2");
      await alice.devices.waitForSent("video", ["fake_device_2"]);
      await bobCall!.expectVideoRisingFrom(["alice"], 15);
      expect(await bob.devices.remoteTrackId(aliceTile)).toBe(remoteTrack);
      expect([await alice.devices.signalingChanges(), await bob.devices.signalingChanges()]).toEqual([0, 0]);

      // Carol joins after the switch: alice's new camera is what she gets.
      await carolCall!.join();
      await carolCall!.waitForTiles(["alice", "bob", "carol"]);
      await carolCall!.expectVideoRisingFrom(["alice", "bob"]);
      await alice.devices.waitForSent("video", ["fake_device_2", "fake_device_2"]);

      // Unplugged in the group call: both pairs fall back, and both peers keep decoding alice.
      await alice.devices.countNegotiation();
      expect(await alice.devices.unplugSentCamera()).toBe("fake_device_2");
      await alice.app.waitForNotice(/Your camera \(fake_device_2\) was disconnected; switched to fake_device_0\./);
      await alice.devices.waitForSent("video", ["fake_device_0", "fake_device_0"]);
      await Promise.all([bobCall!.expectVideoRisingFrom(["alice"], 15), carolCall!.expectVideoRisingFrom(["alice"], 15)]);
      expect(await alice.devices.signalingChanges()).toBe(0);
    });
  });
});
