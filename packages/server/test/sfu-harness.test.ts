// The harness of the SFU tests: a real Janus and a real Chromium in a network namespace of the
// test's own. Janus answers through janode, and a page's media makes the round trip through a
// videoroom (published, then received back by subscribing to itself): ICE works in the namespace.
import Janode from "janode";
import VideoRoomPlugin from "janode/plugins/videoroom";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startJanus, type RunningJanus } from "./support/janus.js";
import { launchNetnsBrowser, type NetnsBrowser } from "./support/netns-browser.js";
import { createTestNetns, type TestNetns } from "./support/netns.js";
import { serveBlankPage, SfuEndpoint } from "./support/sfu-endpoint.js";

// janode logs every request to the console at info level.
Janode.Logger.setLevel("warning");

describe("SFU test harness", () => {
  let netns: TestNetns;
  let janus: RunningJanus;
  let page: { origin: string; close(): Promise<void> };
  let browser: NetnsBrowser;

  beforeAll(async () => {
    netns = await createTestNetns();
    page = await serveBlankPage(netns.hostAddress);
    [janus, browser] = await Promise.all([startJanus(netns), launchNetnsBrowser(netns, page.origin)]);
  });

  afterAll(async () => {
    await browser?.close();
    await janus?.stop();
    await page?.close();
    await netns?.close();
  });

  it("starts Janus in the namespace, answering info with the videoroom plugin loaded", async () => {
    const connection = await Janode.connect({ address: { url: janus.url }, max_retries: 0 });
    try {
      const info = await connection.getInfo();
      expect(info.name).toBe("Janus WebRTC Server");
      expect(Object.keys(info.plugins)).toEqual(["janus.plugin.videoroom"]);
      expect(Object.keys(info.transports)).toEqual(["janus.transport.websockets"]);
    } finally {
      await connection.close();
    }
  });

  it("relays a page's camera back to it through a videoroom: frames are decoded", async () => {
    const connection = await Janode.connect({ address: { url: janus.url }, max_retries: 0 });
    try {
      const session = await connection.create();
      const publisher = await session.attach(VideoRoomPlugin);
      const room = 4242;
      await publisher.create({ room, max_publishers: 2, videocodec: "vp8", audiocodec: "opus" });
      const { feed } = await publisher.joinPublisher({ room, display: "alice" });
      const endpoint = await SfuEndpoint.open(await browser.newPage(), page.origin);
      const offer = await endpoint.publishOffer();
      const published = await publisher.publish({ jsep: { type: "offer", sdp: offer.sdp } });
      // Janus subscribes others to a publisher once its connection is up.
      const up = new Promise((resolve) => publisher.once(Janode.EVENT.HANDLE_WEBRTCUP, resolve));
      await endpoint.acceptPublisherAnswer(published.jsep.sdp);
      await up;

      const subscriber = await session.attach(VideoRoomPlugin);
      const subscribed = await subscriber.joinSubscriber({ room, streams: [{ feed }] });
      const answer = await endpoint.answerSubscriberOffer(subscribed.jsep.sdp);
      await subscriber.start({ jsep: { type: "answer", sdp: answer } });

      await expect.poll(async () => (await endpoint.receivedVideo())[0]?.framesDecoded ?? 0, { timeout: 15_000 }).toBeGreaterThan(10);
    } finally {
      await connection.close();
    }
  });
});
