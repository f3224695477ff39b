// SfuCalls against a real Janus, with real Chromium pages as the participants' WebRTC endpoints,
// all in a network namespace of the test's own (Janus gathers no candidates on loopback).
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SfuCalls } from "../src/media/sfu-calls.js";
import { startJanus, type RunningJanus } from "./support/janus.js";
import { launchNetnsBrowser, type NetnsBrowser } from "./support/netns-browser.js";
import { createTestNetns, type TestNetns } from "./support/netns.js";
import { isInterrupted, isOffer, isReady, SfuDriver } from "./support/sfu-driver.js";
import { serveBlankPage, SfuEndpoint } from "./support/sfu-endpoint.js";

const ROOM = "standup";

function untilAvailability(calls: SfuCalls, wanted: boolean): Promise<void> {
  return new Promise((resolve) => {
    const stop = calls.onAvailability((available) => {
      if (available !== wanted) return;
      stop();
      resolve();
    });
  });
}

describe("SFU calls through a real Janus", () => {
  let netns: TestNetns;
  let janus: RunningJanus;
  let site: { origin: string; close(): Promise<void> };
  let browser: NetnsBrowser;
  let calls: SfuCalls;
  const availability: boolean[] = [];
  const drivers = new Map<string, SfuDriver>();

  const driver = (name: string) => drivers.get(name)!;
  const join = (...names: string[]) => calls.callChanged(ROOM, names, new Set(names));

  beforeAll(async () => {
    netns = await createTestNetns();
    site = await serveBlankPage(netns.hostAddress);
    [janus, browser] = await Promise.all([startJanus(netns), launchNetnsBrowser(netns, site.origin)]);
    for (const name of ["ann", "bob", "cy"]) {
      const endpoint = await SfuEndpoint.open(await browser.newPage(), site.origin);
      drivers.set(name, new SfuDriver(name, ROOM, endpoint, () => calls));
    }
    calls = new SfuCalls({
      janusUrl: janus.url,
      logger: pino({ level: "silent" }),
      maxParticipants: 10,
      deliver: (room, name, message) => drivers.get(room === ROOM ? name : `${room}/${name}`)!.receive(message),
    });
    calls.onAvailability((available) => availability.push(available));
    const connected = untilAvailability(calls, true);
    calls.start();
    await connected;
  });

  afterAll(async () => {
    await calls?.close();
    await browser?.close();
    await janus?.stop();
    await site?.close();
    await netns?.close();
  });

  it("has three participants publish (simulcast) and each receive the two others", async () => {
    join("ann", "bob", "cy");
    await Promise.all([...drivers.values()].map((each) => each.publishWhenReady()));
    const ready = await driver("ann").next(isReady);
    expect(Number.isInteger(ready.epoch)).toBe(true);
    for (const [name, each] of drivers) {
      const others = [...drivers.keys()].filter((other) => other !== name);
      await each.untilReceiving(others);
      await each.untilDecoding(others);
    }
  });

  it("switches the simulcast layer a participant receives on sfu-layer: the frames' width follows", async () => {
    const ann = driver("ann");
    const mid = ann.cameraOf("bob");
    const width = async () => (await ann.endpoint.receivedVideo()).find((video) => video.mid === mid)?.frameWidth;
    // Janus relays the top layer unless told otherwise.
    await expect.poll(width, { timeout: 10_000 }).toBe(320);
    await calls.handle(ROOM, "ann", { type: "sfu-layer", mid, layer: 0, ref: "small" });
    await expect.poll(width, { timeout: 10_000 }).toBe(80);
    await calls.handle(ROOM, "ann", { type: "sfu-layer", mid, layer: 1, ref: "medium" });
    await expect.poll(width, { timeout: 10_000 }).toBe(160);
    await calls.handle(ROOM, "ann", { type: "sfu-layer", mid, layer: 2, ref: "large" });
    await expect.poll(width, { timeout: 10_000 }).toBe(320);
  });
});
