// Files over RTCDataChannels in the web app, between real Chromium users: 20 MB picked in the
// file input and dropped on the call stage, checked by the SHA-256 of what the receiver saves;
// progress as the pages' progress bars show it; decline and cancel from either side; and a
// group call, where one file goes to two others.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppPage } from "./support/app-page.js";
import { GroupCallPage } from "./support/group-page.js";
import { startScenario, type Scenario } from "./support/scenario.js";
import { deterministicBytes, recordDataChannels, risingTo, sha256Hex, TransferTray } from "./support/transfer-tray.js";

const MB20 = 20 * 1024 * 1024;

describe("file transfer", () => {
  let scenario: Scenario;
  let scratch: string;
  const pageErrors: string[][] = [];

  /** A file of `size` deterministic random bytes on disk, named `name`. */
  async function fileOnDisk(name: string, size: number): Promise<{ path: string }> {
    const path = join(scratch, name);
    await writeFile(path, deterministicBytes(size, name));
    return { path };
  }

  async function open(name: string, path = "/"): Promise<{ app: AppPage; tray: TransferTray }> {
    const { page, pageErrors: errors } = await scenario.rawUser();
    pageErrors.push(errors);
    await recordDataChannels(page);
    const app = await AppPage.open(page, scenario.server.url, name, path);
    expect(app.name).toBe(name);
    return { app, tray: new TransferTray(page) };
  }

  beforeAll(async () => {
    [scenario, scratch] = await Promise.all([startScenario(), mkdtemp(join(tmpdir(), "switchboard-files-"))]);
  });

  afterAll(async () => {
    await scenario?.close();
    expect(pageErrors.flat()).toEqual([]);
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  describe("in a 1:1 call", () => {
    let alice: { app: AppPage; tray: TransferTray };
    let bob: { app: AppPage; tray: TransferTray };

    beforeAll(async () => {
      [alice, bob] = await Promise.all([open("alice"), open("bob")]);
      await alice.app.waitForUsers(["bob"]);
      await alice.app.call("bob");
      await bob.app.accept("alice");
      await Promise.all([alice.app.waitForCallState("active"), bob.app.waitForCallState("active")]);
      await Promise.all([alice.tray.recordProgress(), bob.tray.recordProgress()]);
    });

    afterAll(async () => {
      await alice?.app.hangUp().catch(() => undefined);
    });

    it("a 20 MB file picked in the file input arrives verified: the SHA-256 of what bob saves is alice's, progress only rises to 100 %", async () => {
      const data = deterministicBytes(MB20, "file-transfer e2e");
      await alice.tray.pick("Call controls", { name: "random.bin", buffer: data });
      await alice.tray.waitForState("outgoing", "bob", "random.bin", "offered");
      await bob.tray.accept("random.bin", "alice");
      await Promise.all([
        bob.tray.waitForState("incoming", "alice", "random.bin", "done", 90_000),
        alice.tray.waitForState("outgoing", "bob", "random.bin", "done", 90_000),
      ]);
      expect(await bob.tray.status("incoming", "alice", "random.bin")).toBe("Received from alice, verified.");
      expect(await alice.tray.status("outgoing", "bob", "random.bin")).toBe("bob received it, verified.");
      const saved = await bob.tray.save("random.bin");
      expect(saved.length).toBe(MB20);
      expect(sha256Hex(saved)).toBe(sha256Hex(data));
      for (const tray of [alice.tray, bob.tray]) {
        const seen = risingTo(await tray.progress("random.bin"));
        expect(seen).toMatchObject({ rising: true, last: 100 });
        expect(seen.distinct).toBeGreaterThan(10);
      }
    });

    it("a 20 MB file dropped on the call stage arrives verified too", async () => {
      const sent = await alice.tray.drop(".call", "dropped.bin", MB20);
      await bob.tray.accept("dropped.bin", "alice");
      await bob.tray.waitForState("incoming", "alice", "dropped.bin", "done", 90_000);
      const saved = await bob.tray.save("dropped.bin");
      expect(saved.length).toBe(MB20);
      expect(sha256Hex(saved)).toBe(sent);
      expect(risingTo(await bob.tray.progress("dropped.bin"))).toMatchObject({ rising: true, last: 100 });
    });

    it("a decline reaches the sender", async () => {
      await bob.tray.pick("Call controls", { name: "no-thanks.txt", buffer: Buffer.from("not wanted") });
      await alice.tray.decline("no-thanks.txt", "bob");
      await bob.tray.waitForState("outgoing", "alice", "no-thanks.txt", "declined");
      expect(await bob.tray.status("outgoing", "alice", "no-thanks.txt")).toBe("alice declined.");
      expect(await alice.tray.status("incoming", "bob", "no-thanks.txt")).toBe("You declined.");
    });

    it("the sender cancels mid-way: both sides stop, the receiver gets no file, the sender's channel is closed", async () => {
      const channelsBefore = (await alice.tray.channelStates()).length;
      await alice.tray.clickWhenProgress("Cancel sending stopped.bin to bob", 10);
      await alice.tray.pick("Call controls", await fileOnDisk("stopped.bin", MB20));
      await bob.tray.accept("stopped.bin", "alice");
      await Promise.all([
        alice.tray.waitForState("outgoing", "bob", "stopped.bin", "cancelled"),
        bob.tray.waitForState("incoming", "alice", "stopped.bin", "cancelled"),
      ]);
      expect(await alice.tray.status("outgoing", "bob", "stopped.bin")).toBe("You cancelled.");
      expect(await bob.tray.status("incoming", "alice", "stopped.bin")).toBe("alice cancelled.");
      expect(await bob.tray.saveLinks("stopped.bin")).toBe(0);
      await expect.poll(async () => (await alice.tray.channelStates()).slice(channelsBefore)).toEqual(["closed"]);
      expect(Math.max(...(await bob.tray.progress("stopped.bin")))).toBeLessThan(100);
    });

    it("the receiver cancels mid-way: the sender stops", async () => {
      const channelsBefore = (await alice.tray.channelStates()).length;
      await bob.tray.clickWhenProgress("Cancel receiving halted.bin from alice", 10);
      await alice.tray.pick("Call controls", await fileOnDisk("halted.bin", MB20));
      await bob.tray.accept("halted.bin", "alice");
      await Promise.all([
        alice.tray.waitForState("outgoing", "bob", "halted.bin", "cancelled"),
        bob.tray.waitForState("incoming", "alice", "halted.bin", "cancelled"),
      ]);
      expect(await alice.tray.status("outgoing", "bob", "halted.bin")).toBe("bob cancelled.");
      await expect.poll(async () => (await alice.tray.channelStates()).slice(channelsBefore)).toEqual(["closed"]);
      expect(Math.max(...(await alice.tray.progress("halted.bin")))).toBeLessThan(100);
      expect(await bob.tray.saveLinks("halted.bin")).toBe(0);
    });
  });

  describe("in a group call", () => {
    it("a file sent to two others arrives verified at both, and the sender sees each one's status", async () => {
      const path = "/r/files?video=320x240@15";
      const [carol, dave, erin] = await Promise.all([open("carol", path), open("dave", path), open("erin", path)]);
      const group = [carol, dave, erin].map(({ app }) => new GroupCallPage(app));
      for (const user of group) await user.join();
      for (const user of group) await user.waitForTiles(["carol", "dave", "erin"]);
      const data = deterministicBytes(5 * 1024 * 1024, "group file");
      await carol.tray.pick("Group call controls", { name: "shared.bin", buffer: data });
      await Promise.all([dave.tray.accept("shared.bin", "carol"), erin.tray.accept("shared.bin", "carol")]);
      for (const [recipient, name] of [[dave, "dave"], [erin, "erin"]] as const) {
        await recipient.tray.waitForState("incoming", "carol", "shared.bin", "done", 60_000);
        expect(sha256Hex(await recipient.tray.save("shared.bin"))).toBe(sha256Hex(data));
        await carol.tray.waitForState("outgoing", name, "shared.bin", "done");
        expect(await carol.tray.status("outgoing", name, "shared.bin")).toBe(`${name} received it, verified.`);
      }
    });
  });
});
