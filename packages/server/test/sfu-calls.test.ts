// SfuCalls against a real Janus, with real Chromium pages as the participants' WebRTC endpoints,
// all in a network namespace of the test's own (Janus gathers no candidates on loopback).
import Janode from "janode";
import VideoRoomPlugin from "janode/plugins/videoroom";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SfuCalls } from "../src/media/sfu-calls.js";
import { janusRoomId } from "../src/media/sfu-room.js";
import { startJanus, type RunningJanus } from "./support/janus.js";
import { launchNetnsBrowser, type NetnsBrowser } from "./support/netns-browser.js";
import { createTestNetns, type TestNetns } from "./support/netns.js";
import { isInterrupted, isOffer, isReady, SfuDriver } from "./support/sfu-driver.js";
import { serveBlankPage, SfuEndpoint } from "./support/sfu-endpoint.js";

const ROOM = "standup";

/** Who is in the call's videoroom, as Janus itself lists them (through a connection of the test's own). */
async function janusParticipants(url: string): Promise<string[]> {
  const connection = await Janode.connect({ address: { url }, max_retries: 0 });
  try {
    const handle = await (await connection.create()).attach(VideoRoomPlugin);
    const { participants } = await handle.listParticipants({ room: janusRoomId(ROOM) });
    return participants.map((participant: { display: string }) => participant.display).sort();
  } finally {
    await connection.close();
  }
}

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
      // Participants without a page of their own (see the leave test) hear nothing.
      deliver: (_room, name, message) => drivers.get(name)?.receive(message),
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

  /** The adapter's first epoch: random, so that another node's or process's never repeats a client's. */
  let firstEpoch = 0;

  it("has three participants publish (simulcast) and each receive the two others", async () => {
    join("ann", "bob", "cy");
    await Promise.all([...drivers.values()].map((each) => each.publishWhenReady()));
    const ready = await driver("ann").next(isReady);
    expect(Number.isInteger(ready.epoch)).toBe(true);
    firstEpoch = ready.epoch;
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

  it("refuses bad input with media-failed or no-call, and the call goes on", async () => {
    const refusal = (name: string, message: Parameters<SfuCalls["handle"]>[2]) =>
      calls.handle(ROOM, name, message).then(
        () => "accepted",
        (error: { code?: string; detail?: string }) => `${error.code}: ${error.detail}`,
      );
    expect(await refusal("ann", { type: "sfu-layer", mid: "zz", layer: 0 })).toMatch(/^media-failed: .*"zz"/);
    const garbage = "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\nthis is not SDP\r\n";
    expect(await refusal("bob", { type: "sfu-publish", sdp: { type: "offer", sdp: garbage }, tracks: [{ mid: "0", source: "camera" }] })).toMatch(/^media-failed: /);
    expect(await refusal("cy", { type: "sfu-subscribe-answer", sdp: { type: "answer", sdp: garbage } })).toMatch(/^media-failed: /);
    // Janus acks a trickled candidate before it parses it (and then drops a bad one).
    expect(await refusal("cy", { type: "sfu-candidate", connection: "subscriber", candidate: { candidate: "candidate:garbage", sdpMid: "0" } })).toBe("accepted");
    expect(await refusal("dan", { type: "sfu-layer", mid: "0", layer: 1 })).toBe("no-call: You are in no SFU call.");
    await driver("ann").untilDecoding(["bob", "cy"]);
    await driver("cy").untilDecoding(["ann", "bob"]);
  });

  it("takes a participant who leaves out of the others' offers at once", async () => {
    const marks = new Map([...drivers].map(([name, each]) => [name, each.inbox.length]));
    join("ann", "bob");
    for (const name of ["ann", "bob"]) {
      const offer = await driver(name).next(isOffer, marks.get(name), 1_000);
      expect(offer.streams.map((stream) => stream.name)).not.toContain("cy");
    }
    await driver("cy").endpoint.closeConnections();
    await expect(calls.handle(ROOM, "cy", { type: "sfu-layer", mid: "0", layer: 1 })).rejects.toMatchObject({ code: "no-call" });
    await expect.poll(() => janusParticipants(janus.url)).toEqual(["ann", "bob"]);
    // Gone while its handle is still being attached: nothing of it may reach the videoroom later.
    join("ann", "bob", "dan");
    join("ann", "bob");
    for (let sample = 0; sample < 10; sample++) expect(await janusParticipants(janus.url)).toEqual(["ann", "bob"]);
    await driver("ann").untilReceiving(["bob"]);
    await driver("ann").untilDecoding(["bob"]);
  });

  it("tells everyone when Janus restarts, then ready with the next epoch: media flows again once they publish again", async () => {
    const marks = new Map([...drivers].map(([name, each]) => [name, each.inbox.length]));
    await janus.restart();
    for (const name of ["ann", "bob"]) {
      const interrupted = await driver(name).next(isInterrupted, marks.get(name));
      expect(interrupted.reason).toMatch(/restarted/);
      expect((await driver(name).next(isReady, marks.get(name))).epoch).toBe(firstEpoch + 1);
    }
    expect(availability).toEqual([true, false, true]);
    await Promise.all(["ann", "bob"].map((name) => driver(name).publishWhenReady(marks.get(name))));
    await driver("ann").untilReceiving(["bob"]);
    await driver("ann").untilDecoding(["bob"]);
    await driver("bob").untilDecoding(["ann"]);
  });

  it("says media-unavailable while Janus is unreachable, and interrupted to whoever joins meanwhile", async () => {
    const unavailable = untilAvailability(calls, false);
    await janus.kill();
    await unavailable;
    await expect(calls.handle(ROOM, "ann", { type: "sfu-layer", mid: "0", layer: 1 })).rejects.toMatchObject({ code: "media-unavailable" });
    const mark = driver("cy").inbox.length;
    join("ann", "bob", "cy");
    expect((await driver("cy").next(isInterrupted, mark, 1_000)).epoch).toBe(firstEpoch + 1);
    const marks = new Map([...drivers].map(([name, each]) => [name, each.inbox.length]));
    await janus.restart();
    await Promise.all([...drivers.values()].map((each) => each.publishWhenReady(marks.get(each.name))));
    expect((await driver("cy").next(isReady, marks.get("cy"))).epoch).toBe(firstEpoch + 2);
    await driver("cy").untilReceiving(["ann", "bob"]);
    await driver("cy").untilDecoding(["ann", "bob"]);
  });
});
