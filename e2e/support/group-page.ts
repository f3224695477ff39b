import type { Page } from "playwright-core";
import { expect } from "vitest";
import type { AppPage } from "./app-page.js";
import { rtpStreams } from "./rtp-stats.js";

const DEFAULT_TIMEOUT = 20_000;

/**
 * The group call as a user sees it in apps/web: the banner's button, the tiles (`.tile`, keyed
 * by `data-peer`), and what each tile's video really decodes, read from the page's own
 * RTCPeerConnections (install `trackPeerConnections` before the app loads).
 */
export class GroupCallPage {
  constructor(readonly app: AppPage) {}

  get page(): Page {
    return this.app.page;
  }

  /** Starts the room's group call, or joins the one going on (through the pre-join screen). */
  async join(): Promise<void> {
    await this.openPrejoin();
    await this.page.getByRole("dialog").getByRole("button", { name: "Join now" }).click();
    await this.page.locator('#app[data-group-state="joined"]').waitFor({ state: "attached", timeout: DEFAULT_TIMEOUT });
  }

  /** The banner's button: opens the pre-join screen (preview, level meter, devices). */
  async openPrejoin(): Promise<void> {
    await this.page.getByRole("button", { name: /^(Start|Join) group call$/ }).click();
    await this.page.getByRole("dialog", { name: /^(Start|Join) the group call$/ }).getByRole("button", { name: "Join now" }).waitFor({ timeout: DEFAULT_TIMEOUT });
  }

  async leave(): Promise<void> {
    await this.page.getByRole("toolbar", { name: "Group call controls" }).getByRole("button", { name: "Leave group call" }).click();
    await this.page.locator('#app[data-group-state="idle"]').waitFor({ state: "attached", timeout: DEFAULT_TIMEOUT });
  }

  /**
   * Leaves, and resolves with when the Leave button's click was dispatched: an epoch time from
   * the page's own clock (performance.timeOrigin + the event's timeStamp, stamped by a capturing
   * listener before the app's handler runs), comparable with the other pages' Date.now().
   */
  async leaveTimed(): Promise<number> {
    await this.page.evaluate(() => {
      const state = window as unknown as { __leaveClickAt: Promise<number> };
      state.__leaveClickAt = new Promise((resolve) => {
        const stamp = (event: Event) => {
          const button = (event.target as Element | null)?.closest("button");
          if (button?.getAttribute("aria-label") !== "Leave group call") return;
          document.removeEventListener("click", stamp, { capture: true });
          resolve(performance.timeOrigin + event.timeStamp);
        };
        document.addEventListener("click", stamp, { capture: true });
      });
    });
    await this.leave();
    return this.page.evaluate(() => (window as unknown as { __leaveClickAt: Promise<number> }).__leaveClickAt);
  }

  /** Who the banner lists in the room's group call. */
  async participants(): Promise<string[]> {
    return this.page.$$eval(".group-person", (items) => items.map((item) => (item as HTMLElement).dataset.user ?? ""));
  }

  /** The names on the tiles, own tile included. */
  async tiles(): Promise<string[]> {
    return this.page.$$eval(".tile", (tiles) => tiles.map((tile) => (tile as HTMLElement).dataset.peer ?? ""));
  }

  async waitForTiles(names: string[], timeout = DEFAULT_TIMEOUT): Promise<void> {
    const wanted = [...names].sort();
    await expect
      .poll(async () => (await this.tiles()).sort(), { timeout, interval: 100, message: `${this.app.name}: tiles` })
      .toEqual(wanted);
  }

  /**
   * What each remote tile's video receives: the tile's video track, found by its id among the
   * inbound-rtp stats of all the page's peer connections (frames decoded so far, the latest
   * frame's width). null: no stream on the tile, or no stats for its track.
   */
  async videoByTile(): Promise<Record<string, { frames: number; frameWidth: number } | null>> {
    const trackByTile = await this.page.evaluate(() => {
      const tracks: Record<string, string | null> = {};
      for (const tile of document.querySelectorAll<HTMLElement>('.tile[data-self="false"]')) {
        const video = tile.querySelector("video");
        const track = video?.srcObject instanceof MediaStream ? video.srcObject.getVideoTracks()[0] : undefined;
        tracks[tile.dataset.peer ?? ""] = track?.id ?? null;
      }
      return tracks;
    });
    const received = new Map<string, { frames: number; frameWidth: number }>();
    for (const stream of await rtpStreams(this.page)) {
      if (stream.direction === "inbound" && stream.kind === "video" && stream.track !== null) received.set(stream.track, { frames: stream.frames, frameWidth: stream.frameWidth });
    }
    return Object.fromEntries(Object.entries(trackByTile).map(([peer, track]) => [peer, (track !== null && received.get(track)) || null]));
  }

  /** Video frames decoded so far for each remote tile (see videoByTile). */
  async framesByTile(): Promise<Record<string, number | null>> {
    return Object.fromEntries(Object.entries(await this.videoByTile()).map(([peer, video]) => [peer, video?.frames ?? null]));
  }

  /** Waits until the video of every one of `peers` decodes at least `frames` more frames; returns how many streams rose. */
  async expectVideoRisingFrom(peers: string[], frames = 10, timeout = 30_000): Promise<number> {
    const start = await this.framesByTile();
    await expect
      .poll(
        async () => {
          const now = await this.framesByTile();
          return peers.filter((peer) => (now[peer] ?? -Infinity) >= (start[peer] ?? 0) + frames).sort();
        },
        { timeout, interval: 400, message: `${this.app.name}: video decoded from ${peers.join(", ")}` },
      )
      .toEqual([...peers].sort());
    return peers.length;
  }

  /**
   * Whether the chat input can be seen and used as the page is scrolled now: on screen, hit by
   * a tap at its centre (nothing, the group-call controls above all, lies over it), and not
   * overlapping the controls bar anywhere.
   */
  async chatInputClearance(): Promise<{ onScreen: boolean; hitAtCentre: string; overlapsControls: boolean }> {
    return this.page.evaluate(() => {
      const input = document.getElementById("chat-input")!.getBoundingClientRect();
      const bar = document.querySelector(".group-controls")!.getBoundingClientRect();
      const hit = document.elementFromPoint(input.x + input.width / 2, input.y + input.height / 2);
      return {
        onScreen: input.top >= 0 && input.bottom <= innerHeight && input.left >= 0 && input.right <= innerWidth,
        hitAtCentre: hit === null ? "nothing" : hit.id || hit.className,
        overlapsControls: input.left < bar.right && bar.left < input.right && input.top < bar.bottom && bar.top < input.bottom,
      };
    });
  }

  /**
   * Arms an observer that notes `Date.now()` when the tile of `name` leaves the page; the
   * returned function waits for that time.
   */
  async timeWhenTileRemoved(name: string): Promise<() => Promise<number>> {
    await this.page.evaluate((peer) => {
      const tile = [...document.querySelectorAll<HTMLElement>(".tile")].find((t) => t.dataset.peer === peer);
      if (!tile) throw new Error(`no tile for ${peer}`);
      (window as unknown as { __tileGoneAt: Promise<number> }).__tileGoneAt = new Promise((resolve) => {
        const observer = new MutationObserver(() => {
          if (tile.isConnected) return;
          observer.disconnect();
          resolve(Date.now());
        });
        observer.observe(document.body, { childList: true, subtree: true });
      });
    }, name);
    return () => this.page.evaluate(() => (window as unknown as { __tileGoneAt: Promise<number> }).__tileGoneAt);
  }
}
