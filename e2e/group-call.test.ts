// Group calls (a mesh) in the web app, in Chromium with fake cameras: media is checked by the
// frames each tile's video really decodes (inbound-rtp stats of the pages' own peer
// connections), tiles by what the page shows. Videos are small (320x240 at 15 fps): up to five
// users encode and decode on two cores.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppPage } from "./support/app-page.js";
import { appUsersPerFile } from "./support/app-users.js";
import { GroupCallPage } from "./support/group-page.js";
import { startTcpProxy, type TcpProxy } from "./support/tcp-proxy.js";

const SMALL_VIDEO = "?video=320x240@15";

describe("group calls", () => {
  const users = appUsersPerFile();

  /** `origin`: where the page is opened from (the server, or a proxy in front of it). */
  async function open(name: string, room: string, origin?: string): Promise<GroupCallPage> {
    return new GroupCallPage(await users.open(name, `/r/${encodeURIComponent(room)}${SMALL_VIDEO}`, origin));
  }

  const others = (everyone: GroupCallPage[], user: GroupCallPage) => everyone.filter((u) => u !== user).map((u) => u.app.name);

  /** Each user decodes video from every other one; returns how many inbound streams rose. */
  async function expectFullMesh(everyone: GroupCallPage[]): Promise<number> {
    const rising = await Promise.all(everyone.map((user) => user.expectVideoRisingFrom(others(everyone, user))));
    return rising.reduce((sum, n) => sum + n, 0);
  }

  describe("one room", () => {
    let alice: GroupCallPage;
    let bob: GroupCallPage;
    let carol: GroupCallPage;
    let dave: GroupCallPage;
    let erin: GroupCallPage;
    /** Dave's first page reaches the server through it: it sees when dave's WebSocket ends. */
    let daveProxy: TcpProxy;
    const four = () => [alice, bob, carol, dave];

    beforeAll(async () => {
      const room = "standup";
      daveProxy = await startTcpProxy(Number(new URL(users.server.url).port));
      [alice, bob, carol, dave, erin] = await Promise.all([
        open("alice", room),
        open("bob", room),
        open("carol", room),
        open("dave", room, daveProxy.url),
        open("erin", room),
      ]);
    });

    afterAll(() => daveProxy?.close());

    it("four users: each decodes video from each of the other three (12 inbound streams)", async () => {
      // One after another: each newcomer offers to everyone already in (the mesh's roles).
      for (const user of four()) await user.join();
      for (const user of four()) await user.waitForTiles(["alice", "bob", "carol", "dave"]);
      expect(await expectFullMesh(four())).toBe(12);
      // Someone in the room but not in the call sees that it is on, and who is in it; no tiles.
      await expect.poll(() => erin.participants()).toEqual(["alice", "bob", "carol", "dave"]);
      expect(await erin.tiles()).toEqual([]);
      expect(await erin.page.getByRole("button", { name: "Join group call" }).isEnabled()).toBe(true);
    });

    it("tiles show muted microphones, cameras off, who speaks and each connection's quality; a click enlarges", async () => {
      const tileOf = (viewer: GroupCallPage, name: string) => viewer.page.locator(`.tile[data-peer="${name}"]`);
      // Alice mutes and turns her camera off: bob's tile of her says so, with accessible marks.
      await alice.page.getByRole("button", { name: "Mute microphone" }).click();
      await alice.page.getByRole("button", { name: "Turn camera off" }).click();
      expect(await alice.page.getByRole("button", { name: "Unmute microphone" }).getAttribute("aria-pressed")).toBe("true");
      await tileOf(bob, "alice").and(bob.page.locator('[data-audio="false"][data-video="false"]')).waitFor();
      expect(await tileOf(bob, "alice").getByRole("img", { name: "Microphone muted" }).isVisible()).toBe(true);
      expect(await tileOf(bob, "alice").getByRole("img", { name: "Camera off" }).isVisible()).toBe(true);
      expect(await tileOf(bob, "carol").getByRole("img", { name: "Microphone muted" }).isVisible()).toBe(false);
      expect(await tileOf(alice, "alice").getByRole("img", { name: "Microphone muted" }).isVisible()).toBe(true);
      await alice.page.getByRole("button", { name: "Unmute microphone" }).click();
      await alice.page.getByRole("button", { name: "Turn camera on" }).click();
      await tileOf(bob, "alice").and(bob.page.locator('[data-audio="true"][data-video="true"]')).waitFor();

      // The fake microphone beeps: its audio level lights the speaker's outline now and then.
      await bob.page.locator('.tile[data-self="false"][data-speaking="true"]').first().waitFor({ timeout: 20_000 });
      // Every remote tile gets a measured quality.
      await expect
        .poll(() => bob.page.$$eval('.tile[data-self="false"]', (tiles) => tiles.map((t) => (t as HTMLElement).dataset.quality)), { timeout: 20_000 })
        .toEqual(expect.not.arrayContaining(["unknown"]));
      expect(await tileOf(bob, "carol").getByRole("img", { name: /^Connection quality: (good|fair|poor)$/ }).count()).toBe(1);

      // Click to enlarge, and back.
      await bob.page.getByRole("button", { name: "Enlarge carol's video" }).click();
      expect(await tileOf(bob, "carol").getAttribute("data-enlarged")).toBe("true");
      const enlargedWidth = (await tileOf(bob, "carol").boundingBox())?.width ?? 0;
      const otherWidth = (await tileOf(bob, "dave").boundingBox())?.width ?? Infinity;
      expect(enlargedWidth).toBeGreaterThan(otherWidth * 1.5);
      await bob.page.getByRole("button", { name: "Shrink carol's video" }).click();
      expect(await tileOf(bob, "carol").getAttribute("data-enlarged")).toBe("false");
    });

    it("at phone width: two columns of tiles, and mute, camera and leave one tap away", async () => {
      await carol.page.setViewportSize({ width: 390, height: 760 });
      const columns = await carol.page.locator(".group-grid").evaluate((grid) => getComputedStyle(grid).gridTemplateColumns.split(" ").length);
      expect(columns).toBe(2);
      const bar = carol.page.getByRole("toolbar", { name: "Group call controls" });
      expect(await bar.evaluate((el) => getComputedStyle(el).position)).toBe("sticky");
      for (const name of ["Mute microphone", "Turn camera off", "Leave group call"]) {
        const box = await bar.getByRole("button", { name }).boundingBox();
        expect(box && box.y >= 0 && box.y + box.height <= 760 && box.x >= 0 && box.x + box.width <= 390).toBe(true);
      }
      // Scrolled to the bottom of the page, the bar is still there.
      await carol.page.mouse.wheel(0, 5000);
      const box = await bar.getByRole("button", { name: "Leave group call" }).boundingBox();
      expect(box && box.y + box.height <= 760).toBe(true);
      await carol.page.setViewportSize({ width: 1100, height: 760 });
    });

    it("the chat input stays clear of the controls bar: on screen at desktop size, at the page's end at phone width", async () => {
      const clear = { onScreen: true, hitAtCentre: "chat-input", overlapsControls: false };
      await carol.page.setViewportSize({ width: 1280, height: 800 });
      await carol.page.evaluate(() => window.scrollTo(0, 0));
      expect(await carol.chatInputClearance()).toEqual(clear);
      await carol.page.setViewportSize({ width: 390, height: 844 });
      await carol.page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
      expect(await carol.chatInputClearance()).toEqual(clear);
      await carol.page.setViewportSize({ width: 1100, height: 760 });
    });

    it("one closes the tab: the others drop the tile within 1 s of its leaving, and their media go on", async () => {
      const stayers = [alice, bob, carol];
      const tileGone = await Promise.all(stayers.map((user) => user.timeWhenTileRemoved("dave")));
      // The clock starts when dave leaves, as the network sees it (the first of its group-leave,
      // its WebSocket's close frame, the connection's end), not at page.close(): how long
      // Chromium takes to tear the tab down before that is no part of the promise, and under load
      // it alone can take longer than 1 s.
      const left = daveProxy.clientLeaving((text) => text.includes('"type":"group-leave"'));
      await dave.page.close();
      const sign = await left;
      // The app says so as the page goes (pagehide), before the browser closes the socket.
      expect(sign.by).toBe("message");
      const removedAt = await Promise.all(tileGone.map((when) => when()));
      for (const at of removedAt) expect(at - sign.at).toBeLessThan(1000);
      for (const user of stayers) expect((await user.tiles()).sort()).toEqual(["alice", "bob", "carol"]);
      expect(await expectFullMesh(stayers)).toBe(6);
      await expect.poll(() => erin.participants()).toEqual(["alice", "bob", "carol"]);
    });

    it("a fifth joins late and receives all four (and they receive the fifth)", async () => {
      // Dave comes back in a new tab: four in the call again, then erin joins.
      dave = await open("dave", "standup");
      await dave.join();
      for (const user of four()) await user.waitForTiles(["alice", "bob", "carol", "dave"]);
      await erin.join();
      const five = [...four(), erin];
      for (const user of five) await user.waitForTiles(["alice", "bob", "carol", "dave", "erin"]);
      expect(await erin.expectVideoRisingFrom(["alice", "bob", "carol", "dave"])).toBe(4);
      await Promise.all(four().map((user) => user.expectVideoRisingFrom(["erin"])));
    });
  });

  describe("two rooms at once", () => {
    it("hold calls with the same user names in each, and neither disturbs the other", async () => {
      await users.closeAll();
      const names = ["alice", "bob", "carol"];
      const red = await Promise.all(names.map((name) => open(name, "red")));
      const blue = await Promise.all(names.map((name) => open(name, "blue")));
      for (const user of red) await user.join();
      for (const user of red) await user.waitForTiles(names);
      expect(await expectFullMesh(red)).toBe(6);

      for (const user of blue) await user.join();
      for (const user of blue) await user.waitForTiles(names);
      expect(await expectFullMesh(blue)).toBe(6);
      // Red is as it was: its call's list, its tiles, its media; each page holds just its own
      // room's two connections.
      for (const user of red) {
        expect(await user.participants()).toEqual(names);
        expect((await user.tiles()).sort()).toEqual(names);
      }
      expect(await expectFullMesh(red)).toBe(6);
      for (const user of [...red, ...blue]) {
        const live = await user.page.evaluate(
          () => (window as unknown as { __peerConnections: RTCPeerConnection[] }).__peerConnections.filter((pc) => pc.connectionState !== "closed").length,
        );
        expect(live).toBe(2);
      }

      // Blue's carol leaves: blue's tiles follow, red's do not, and red's media go on.
      await blue[2]!.leave();
      await blue[0]!.waitForTiles(["alice", "bob"]);
      await blue[1]!.waitForTiles(["alice", "bob"]);
      await expect.poll(() => blue[0]!.participants()).toEqual(["alice", "bob"]);
      expect(await expectFullMesh(red)).toBe(6);
      for (const user of red) {
        expect(await user.participants()).toEqual(names);
        expect((await user.tiles()).sort()).toEqual(names);
      }
    });
  });
});
