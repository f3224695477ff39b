// A group call of five real browsers through a real Janus (issue 14). Janus and the five
// Chromiums run in a network namespace of the test's own (Janus gathers no candidates on
// loopback); the Switchboard server runs here with JANUS_URL, on the namespace's host address.
// Media is checked with the pages' own getStats: what each tile's video decodes, what each page
// sends. Small video (320x240 at 15 fps): five users encode three layers and decode four on two cores.
import { layerForSize } from "@switchboard/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GroupCallPage } from "./support/group-page.js";
import { startMediaStage, type MediaStage, type StageUser } from "./support/media-stage.js";
import { peerConnectionCount } from "./support/peer-connections.js";
import { rtpStreams, sentVideo, videoDirections } from "./support/rtp-stats.js";
import type { RunningServer } from "./support/server.js";

const NAMES = ["alice", "bob", "carol", "dave", "erin"];
/** The widths of the 320x240 fake camera's simulcast layers, by layer (0: a quarter of the size). */
const LAYER_WIDTHS = [80, 160, 320] as const;

describe("an SFU group call of five browsers through Janus", () => {
  let stage: MediaStage;
  let server: RunningServer;
  let users: StageUser[] = [];
  let inCall: StageUser[] = [];

  beforeAll(async () => {
    stage = await startMediaStage();
    server = await stage.startServer();
    users = await Promise.all(NAMES.map((name) => stage.openUser(server, name, "all-hands")));
  });

  afterAll(async () => {
    const errors = users.flatMap((user) => user.pageErrors);
    await stage?.close();
    expect(errors).toEqual([]);
  });

  const names = (group: StageUser[]) => group.map((user) => user.call.app.name);
  const othersOf = (user: StageUser, group = inCall) => names(group.filter((other) => other !== user));

  /** Each of `group` decodes frames from every other one, on their tiles. */
  async function expectEveryoneSeesEveryone(group = inCall): Promise<void> {
    await Promise.all(group.map((user) => user.call.expectVideoRisingFrom(othersOf(user, group))));
  }

  it("five join: each one's grid shows the four others, and decodes their video", async () => {
    for (const user of users) await user.call.join();
    inCall = users;
    for (const user of inCall) await user.call.waitForTiles(NAMES);
    for (const user of inCall) expect(user.groupCallMedia()).toBe("sfu");
    await expectEveryoneSeesEveryone();
  });

  it("each uploads exactly one video stream: one connection, one source, three simulcast layers, each sending", async () => {
    for (const user of inCall) {
      const page = user.call.page;
      const first = await sentVideo(page);
      expect(new Set(first.map((stream) => stream.connection)).size, `${user.call.app.name}: connections sending video`).toBe(1);
      expect(new Set(first.map((stream) => stream.source)).size, `${user.call.app.name}: video sources`).toBe(1);
      expect(first.map((stream) => stream.rid).sort()).toEqual(["f", "h", "q"]);
      // Every layer is encoded and sent, not just announced (the top one once the bandwidth estimate allows it).
      await expect
        .poll(
          async () =>
            Object.fromEntries(
              (await sentVideo(page)).map((stream) => {
                const before = first.find((earlier) => earlier.rid === stream.rid)!;
                const rising = stream.frames >= before.frames + 5 && stream.bytes > before.bytes;
                return [stream.rid, rising ? "rising" : `${stream.frames - before.frames} frames, ${stream.frameWidth} px wide, limited by ${stream.limitation}`];
              }),
            ),
          { timeout: 20_000, interval: 300, message: `${user.call.app.name}: layers rising` },
        )
        .toEqual({ q: "rising", h: "rising", f: "rising" });
      // That connection receives nothing; the four others arrive on another one, which sends nothing.
      expect((await videoDirections(page)).sort((a, b) => b.sends - a.sends)).toEqual([
        { sends: 3, receives: 0 },
        { sends: 0, receives: 4 },
      ]);
    }
  });

  it("the enlarged tile gets the top layer; each thumbnail the layer its size needs", async () => {
    const viewer = inCall[0]!.call;
    await viewer.page.getByRole("button", { name: "Enlarge bob's video" }).click();
    await expect
      .poll(async () => (await viewer.videoByTile()).bob?.frameWidth, { timeout: 10_000, message: "bob's enlarged tile: received width" })
      .toBe(LAYER_WIDTHS[2]);
    // The others are thumbnails now: each receives the layer the SDK picks for its size.
    const wanted = Object.fromEntries(Object.entries(await remoteTileSizes(viewer, "bob")).map(([peer, size]) => [peer, LAYER_WIDTHS[layerForSize(size, false)]]));
    expect(Object.values(wanted).some((width) => width! < LAYER_WIDTHS[2]), `thumbnails ${JSON.stringify(wanted)}: none below the top layer`).toBe(true);
    await expect
      .poll(async () => {
        const received = await viewer.videoByTile();
        return Object.fromEntries(Object.keys(wanted).map((peer) => [peer, received[peer]?.frameWidth]));
      }, { timeout: 10_000, message: "thumbnails' received widths" })
      .toEqual(wanted);
    await viewer.page.getByRole("button", { name: "Shrink bob's video" }).click();
  });

  it("one leaves: gone from every other grid within 1 s of the click", async () => {
    const leaver = inCall.at(-1)!;
    const stayers = inCall.slice(0, -1);
    const tileGone = await Promise.all(stayers.map((user) => user.call.timeWhenTileRemoved(leaver.call.app.name)));
    const clickedAt = await leaver.call.leaveTimed();
    const removedAt = await Promise.all(tileGone.map((when) => when()));
    for (const [index, at] of removedAt.entries()) expect(at - clickedAt, `${stayers[index]!.call.app.name}: ms from the click`).toBeLessThan(1000);
    inCall = stayers;
    for (const user of inCall) await user.call.waitForTiles(names(inCall));
    await expectEveryoneSeesEveryone();
  });

  it("Janus restarts mid-call: every page says so, and media flows again on new connections without a click", async () => {
    const connectionsBefore = await Promise.all(inCall.map((user) => peerConnectionCount(user.call.page)));
    await stage.janus.restart();
    await Promise.all(inCall.map((user) => user.call.page.getByText(/media server/i).and(user.call.page.getByText(/restart|reconnect/i)).first().waitFor({ timeout: 10_000 })));
    await expectEveryoneSeesEveryone();
    for (const [index, user] of inCall.entries()) {
      const received = (await rtpStreams(user.call.page)).filter((stream) => stream.direction === "inbound" && stream.kind === "video");
      expect(received.length).toBeGreaterThanOrEqual(othersOf(user).length);
      expect(received.every((stream) => stream.connection >= connectionsBefore[index]!), `${user.call.app.name}: video on the connections of before`).toBe(true);
      for (const peer of othersOf(user)) expect(await user.call.tiles()).toContain(peer);
    }
  });

  it("with Janus down, a new call falls back to a mesh, and its video plays", async () => {
    for (const user of inCall) await user.call.leave();
    inCall = [];
    await stage.janus.kill();
    await expect.poll(() => mediaServerHealth(server), { timeout: 10_000 }).toBe("unreachable");
    const pair = users.slice(0, 2);
    for (const user of pair) await user.call.join();
    inCall = pair;
    for (const user of inCall) await user.call.waitForTiles(names(pair));
    for (const user of inCall) expect(user.groupCallMedia()).toBe("mesh");
    await expectEveryoneSeesEveryone();
    // A pair's one connection carries both ways.
    for (const user of inCall) expect(await videoDirections(user.call.page)).toEqual([{ sends: 1, receives: 1 }]);
  });

  it("SFU_CALLS=large: a mesh of two switches to the SFU when a third joins past MAX_MESH_PARTICIPANTS=2", async () => {
    await Promise.all(users.map((user) => user.close()));
    await stage.janus.restart();
    const large = await stage.startServer({ sfuCalls: "large", maxMeshParticipants: 2 });
    await expect.poll(() => mediaServerHealth(large), { timeout: 10_000 }).toBe("reachable");
    const three = await Promise.all(["ann", "ben", "cat"].map((name) => stage.openUser(large, name, "growing")));
    users.push(...three);
    inCall = three.slice(0, 2);
    for (const user of inCall) await user.call.join();
    for (const user of inCall) await user.call.waitForTiles(names(inCall));
    for (const user of inCall) expect(user.groupCallMedia()).toBe("mesh");
    await expectEveryoneSeesEveryone();

    await three[2]!.call.join();
    inCall = three;
    for (const user of inCall) await user.call.waitForTiles(names(inCall));
    for (const user of inCall) expect(user.groupCallMedia()).toBe("sfu");
    await expectEveryoneSeesEveryone();
    // The pair's connection is gone: each sends its camera once, to Janus, and receives the two others from it.
    for (const user of inCall) {
      expect((await videoDirections(user.call.page)).sort((a, b) => b.sends - a.sends)).toEqual([
        { sends: 3, receives: 0 },
        { sends: 0, receives: 2 },
      ]);
    }
  });
});

/** The rendered sizes of the remote tiles other than `except`, as the app reports them to the SDK. */
async function remoteTileSizes(viewer: GroupCallPage, except: string): Promise<Record<string, { width: number; height: number }>> {
  return viewer.page.$$eval(
    '.tile[data-self="false"]',
    (tiles, skip) =>
      Object.fromEntries(
        tiles
          .filter((tile) => (tile as HTMLElement).dataset.peer !== skip)
          .map((tile) => {
            const { width, height } = tile.getBoundingClientRect();
            return [(tile as HTMLElement).dataset.peer ?? "", { width: Math.round(width), height: Math.round(height) }];
          }),
      ),
    except,
  );
}

/** What the server's /healthz says of the media server. */
async function mediaServerHealth(server: RunningServer): Promise<string | undefined> {
  const response = await fetch(`${server.url}/healthz`);
  return ((await response.json()) as { mediaServer?: string }).mediaServer;
}
