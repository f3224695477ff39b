// GroupCall in an SFU call, against a scripted server playing the media server's side
// (sfu-status, sfu-answer, subscriber offers) and the fake RTCPeerConnection: what we publish
// (simulcast camera, mids and sources), whose tracks arrive where, a participant leaving, layers,
// screen shares, the media server's epochs, a mesh moving to the media server, receive-only.
import { afterEach, describe, expect, it, vi } from "vitest";
import { FakePeerConnection, type FakeTransceiver } from "../../test/support/fake-peer-connection.js";
import { FakeMediaStream, fakeTrack } from "../../test/support/fake-media.js";
import { FakeSocket } from "../../test/support/scripted-socket.js";
import {
  answerPublish,
  joinSfu,
  micAndCamera,
  offerStreams,
  receivedTrack,
  sentOf,
  SFU_WELCOME,
  sfuMember,
  type SfuMember,
} from "../../test/support/scripted-sfu.js";

const members: SfuMember[] = [];
afterEach(() => {
  const created = members.splice(0);
  for (const { group, client } of created) {
    group.dispose();
    client.close();
  }
  FakePeerConnection.instances.length = 0;
  // Nothing in these scripts is an error.
  expect(created.flatMap(({ events }) => events.filter((event) => event.startsWith("error")))).toEqual([]);
});

async function member(...args: Parameters<typeof sfuMember>): Promise<SfuMember> {
  const created = await sfuMember(...args);
  members.push(created);
  return created;
}

/** alice in an SFU call with bob and carol: the media server ready (epoch 1), her publish answered, their media offered. */
async function inCall(options: Parameters<typeof sfuMember>[2] = {}): Promise<SfuMember & { publisher: FakePeerConnection; subscriber: FakePeerConnection }> {
  const scripted = await member(["bob", "carol"], "sfu", options);
  await joinSfu(scripted);
  scripted.socket.deliver({ type: "sfu-status", state: "ready", epoch: 1 });
  await answerPublish(scripted.socket, 0);
  await offerStreams(scripted.socket, [...micAndCamera("bob"), ...micAndCamera("carol")]);
  const [publisher, subscriber] = FakePeerConnection.instances as [FakePeerConnection, FakePeerConnection];
  return { ...scripted, publisher, subscriber };
}

const tracksOf = (stream: MediaStream | null | undefined) => stream?.getTracks() ?? null;
const layersAsked = (scripted: SfuMember) => sentOf(scripted.socket, "sfu-layer").map((m) => `${String(m.mid)}=${String(m.layer)}`);
const sending = (pc: FakePeerConnection) => pc.transceivers.filter((t: FakeTransceiver) => t.direction === "sendonly").map((t) => t.mid);

describe("GroupCall in an SFU call (scripted server)", () => {
  it("publishes once the media server is ready: microphone and a simulcast camera, sendonly, with each m-line's source", async () => {
    const scripted = await member(["bob"]);
    await joinSfu(scripted);
    expect(FakePeerConnection.instances).toHaveLength(0); // No pairs, and nothing before `ready`.
    expect(sentOf(scripted.socket, "video-offer")).toEqual([]);
    scripted.socket.deliver({ type: "sfu-status", state: "ready", epoch: 1 });
    const publish = await answerPublish(scripted.socket, 0);
    const publisher = FakePeerConnection.instances[0]!;
    expect(publisher.transceivers.map((t) => [t.kind, t.direction, t.sendEncodings])).toEqual([
      ["audio", "sendonly", []],
      [
        "video",
        "sendonly",
        [
          { rid: "q", scaleResolutionDownBy: 4 },
          { rid: "h", scaleResolutionDownBy: 2 },
          { rid: "f", scaleResolutionDownBy: 1 },
        ],
      ],
    ]);
    expect(publish).toMatchObject({
      sdp: { type: "offer", sdp: publisher.localDescription?.sdp },
      tracks: [
        { mid: "0", source: "microphone" },
        { mid: "1", source: "camera" },
      ],
    });
    await vi.waitFor(() => expect(publisher.log).toEqual(["local:offer", "remote:answer"]));
    expect(publisher.remoteDescription).toEqual({ type: "answer", sdp: "v=0 janus answer 0" });
    await vi.waitFor(() => expect(sentOf(scripted.socket, "sfu-candidate")).toContainEqual(expect.objectContaining({ connection: "publisher" })));
    expect(scripted.events).toEqual(["joined", "peer-joined:bob", "media-server:ready:1"]);
    expect(scripted.group.mediaServer).toEqual({ state: "ready", epoch: 1, reason: null });
  });

  it("maps the subscriber's tracks to their participants by mid, as the offer's streams say", async () => {
    const { group, socket, subscriber, events } = await inCall();
    const bob = group.peers.get("bob")!;
    const carol = group.peers.get("carol")!;
    expect(tracksOf(bob.stream)).toEqual([receivedTrack(subscriber, "b0"), receivedTrack(subscriber, "b1")]);
    expect(tracksOf(carol.stream)).toEqual([receivedTrack(subscriber, "c0"), receivedTrack(subscriber, "c1")]);
    expect([bob.screen, carol.screen]).toEqual([null, null]);
    expect(events).toEqual(["joined", "peer-joined:bob", "peer-joined:carol", "media-server:ready:1"]);
    await vi.waitFor(() => expect(group.peers.get("bob")?.connection).toBe("connected"));
    expect(sentOf(socket, "sfu-candidate")).toContainEqual(expect.objectContaining({ connection: "subscriber" }));
    // Our state for their tiles, as in a mesh.
    expect(sentOf(socket, "media-state").map((m) => m.target)).toEqual(["bob", "carol"]);
  });

  it("drops one who leaves the call at once; the next offer without their m-lines changes no one else", async () => {
    const { group, socket, subscriber, events } = await inCall();
    socket.deliver({ type: "group-call", participants: ["bob", "alice"], media: "sfu" });
    expect(events.at(-1)).toBe("peer-left:carol");
    expect([...group.peers.keys()]).toEqual(["bob"]);
    const bobStream = group.peers.get("bob")!.stream;
    await offerStreams(socket, [...micAndCamera("bob"), { mid: "c0", kind: "audio" }, { mid: "c1", kind: "video" }]);
    expect(group.peers.get("bob")!.stream).toBe(bobStream);
    expect(tracksOf(bobStream)).toEqual([receivedTrack(subscriber, "b0"), receivedTrack(subscriber, "b1")]);
    expect(events.at(-1)).toBe("peer-left:carol");
  });

  it("m-lines that leave the offer's streams take their tracks off the tile", async () => {
    const { group, socket, subscriber } = await inCall();
    await offerStreams(socket, [{ mid: "b0", kind: "audio", name: "bob", source: "microphone" }, { mid: "b1", kind: "video" }, ...micAndCamera("carol")]);
    expect(tracksOf(group.peers.get("bob")!.stream)).toEqual([receivedTrack(subscriber, "b0")]);
    await offerStreams(socket, [{ mid: "b0", kind: "audio" }, { mid: "b1", kind: "video" }, ...micAndCamera("carol")]);
    expect(group.peers.get("bob")!.stream).toBeNull();
    expect(tracksOf(group.peers.get("carol")!.stream)).toHaveLength(2);
  });

  it("asks for the simulcast layer a tile's size needs, only when it changes; a pinned tile gets the top layer", async () => {
    const scripted = await inCall();
    const { group } = scripted;
    group.setVideoSize("bob", { width: 160, height: 90 });
    group.setVideoSize("bob", { width: 190, height: 107 });
    expect(layersAsked(scripted)).toEqual(["b1=0"]);
    group.setVideoSize("bob", { width: 320, height: 180 });
    group.setVideoSize("carol", { width: 1280, height: 720 });
    group.setPinned("bob", true);
    group.setVideoSize("bob", { width: 100, height: 56 }); // Pinned: stays at the top.
    expect(layersAsked(scripted)).toEqual(["b1=0", "b1=1", "c1=2", "b1=2"]);
    group.setPinned("bob", false);
    expect(layersAsked(scripted).at(-1)).toBe("b1=0");
    // Acked requests, like any.
    scripted.socket.ack("sfu-layer");
    // Bob's camera comes on another m-line: asked again there; carol's, unchanged, is not.
    await offerStreams(scripted.socket, [{ mid: "b0", kind: "audio", name: "bob", source: "microphone" }, { mid: "b1", kind: "video" }, ...micAndCamera("carol"), { mid: "b2", kind: "video", name: "bob", source: "camera" }]);
    expect(layersAsked(scripted).slice(-1)).toEqual(["b2=0"]);
  });

  it("asks nothing in a mesh call", async () => {
    const scripted = await member(["bob"], "mesh");
    await joinSfu(scripted, "mesh");
    scripted.group.setVideoSize("bob", { width: 100, height: 60 });
    scripted.group.setPinned("bob", true);
    expect(sentOf(scripted.socket, "sfu-layer")).toEqual([]);
    expect(scripted.group.mediaServer).toBeNull();
  });

  it("interrupted: both connections closed, the tiles kept without media; ready again (a new epoch): publishes and subscribes afresh", async () => {
    const scripted = await inCall();
    const { group, socket, publisher, subscriber, events } = scripted;
    scripted.group.setVideoSize("bob", { width: 160, height: 90 });
    const reason = "The media server restarted; reconnecting…";
    socket.deliver({ type: "sfu-status", state: "interrupted", epoch: 1, reason });
    expect([publisher.signalingState, subscriber.signalingState]).toEqual(["closed", "closed"]);
    expect([...group.peers.values()].map((peer) => [peer.name, peer.stream, peer.connection])).toEqual([
      ["bob", null, "disconnected"],
      ["carol", null, "disconnected"],
    ]);
    expect(events.at(-1)).toBe("media-server:interrupted:1");
    expect(group.mediaServer).toEqual({ state: "interrupted", epoch: 1, reason });

    socket.deliver({ type: "sfu-status", state: "ready", epoch: 2 });
    await answerPublish(socket, 1);
    await offerStreams(socket, [...micAndCamera("bob"), ...micAndCamera("carol")]);
    const [, , publisher2, subscriber2] = FakePeerConnection.instances as FakePeerConnection[];
    expect(sending(publisher2!)).toEqual(["0", "1"]);
    expect(tracksOf(group.peers.get("bob")!.stream)).toEqual([receivedTrack(subscriber2!, "b0"), receivedTrack(subscriber2!, "b1")]);
    expect(events).toEqual([
      "joined",
      "peer-joined:bob",
      "peer-joined:carol",
      "media-server:ready:1",
      "media-server:interrupted:1",
      "media-server:ready:2",
    ]);
    // The new subscriber's camera m-line is asked for the layer bob's tile still wants.
    expect(layersAsked(scripted)).toEqual(["b1=0", "b1=0"]);
  });

  it("answers an offer that comes while interrupted on a fresh subscriber, which the next epoch's ready keeps", async () => {
    const { group, socket, subscriber } = await inCall();
    socket.deliver({ type: "sfu-status", state: "interrupted", epoch: 1, reason: "gone" });
    await offerStreams(socket, micAndCamera("bob"));
    const fresh = FakePeerConnection.instances.at(-1)!;
    expect(fresh).not.toBe(subscriber);
    socket.deliver({ type: "sfu-status", state: "ready", epoch: 2 });
    await answerPublish(socket, 1);
    expect(fresh.signalingState).toBe("stable");
    expect(tracksOf(group.peers.get("bob")!.stream)).toEqual([receivedTrack(fresh, "b0"), receivedTrack(fresh, "b1")]);
  });

  it("a fresh session (the server restarted): the old connections go, the tiles stay; the new server's ready, whatever its epoch, publishes again", async () => {
    const scripted = await member(["bob"], "sfu", {}, { reconnect: { nextRetryDelayMs: () => 1 } });
    await joinSfu(scripted);
    scripted.socket.deliver({ type: "sfu-status", state: "ready", epoch: 1 });
    await answerPublish(scripted.socket, 0);
    await offerStreams(scripted.socket, micAndCamera("bob"));
    const [publisher, subscriber] = [...FakePeerConnection.instances];
    const dropped = FakeSocket.last!;
    dropped.onclose?.({ code: 1006, reason: "" });
    await vi.waitFor(() => expect(FakeSocket.last).not.toBe(dropped));
    const socket = FakeSocket.last!;
    socket.open();
    socket.welcome({ room: "standup", resumed: false, resumeToken: "t2", ...SFU_WELCOME.extra }, SFU_WELCOME.limits);
    await vi.waitFor(() => expect([publisher!.signalingState, subscriber!.signalingState]).toEqual(["closed", "closed"]));
    expect(scripted.group.peers.get("bob")).toMatchObject({ stream: null, connection: "new" });
    await vi.waitFor(() => expect(sentOf(socket, "username")).toHaveLength(1));
    socket.ack("username", { name: "alice" });
    await vi.waitFor(() => expect(sentOf(socket, "group-join")).toHaveLength(1));
    socket.deliver({ type: "group-call", participants: ["bob", "alice"], media: "sfu" });
    socket.ack("group-join");
    socket.deliver({ type: "sfu-status", state: "ready", epoch: 1 });
    await answerPublish(socket, 0);
    expect(scripted.events.filter((event) => event.startsWith("peer-"))).toEqual(["peer-joined:bob"]);
  });

  it("a device switch goes onto the publisher's sender, the simulcast layers kept", async () => {
    const { group, publisher } = await inCall();
    const camera = fakeTrack("video", "cam2");
    await group.replaceTrack(camera);
    expect(publisher.transceivers[1]!.sender.track).toBe(camera);
    expect(publisher.transceivers[1]!.sendEncodings).toHaveLength(3);
  });

  it("lets the server decide past the mesh cap: the media server's cap is the one known", async () => {
    const scripted = await member(["bob", "carol", "dave", "erin"], "mesh");
    const joining = scripted.group.join();
    await vi.waitFor(() => expect(sentOf(scripted.socket, "group-join")).toHaveLength(1));
    scripted.socket.deliver({ type: "error", code: "media-unavailable", message: "The media server cannot be reached.", ref: sentOf(scripted.socket, "group-join")[0]!.ref });
    await expect(joining).rejects.toMatchObject({ code: "media-unavailable", message: "The media server cannot be reached." });
  });

  it("a ready of the same epoch again changes nothing; a new epoch without interrupted replaces both connections", async () => {
    const { socket, publisher, subscriber } = await inCall();
    socket.deliver({ type: "sfu-status", state: "ready", epoch: 1 });
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(sentOf(socket, "sfu-publish")).toHaveLength(1);
    socket.deliver({ type: "sfu-status", state: "ready", epoch: 2 });
    await answerPublish(socket, 1);
    expect([publisher.signalingState, subscriber.signalingState]).toEqual(["closed", "closed"]);
  });

  it("takes a status that came before the join's answer", async () => {
    const scripted = await member(["bob"]);
    const joining = scripted.group.join();
    await vi.waitFor(() => expect(sentOf(scripted.socket, "group-join")).toHaveLength(1));
    scripted.socket.deliver({ type: "group-call", participants: ["bob", "alice"], media: "sfu" });
    scripted.socket.deliver({ type: "sfu-status", state: "ready", epoch: 7 });
    scripted.socket.ack("group-join");
    await joining;
    await answerPublish(scripted.socket, 0);
    expect(scripted.group.mediaServer?.epoch).toBe(7);
  });

  it("receive only: publishes nothing, subscribes all the same", async () => {
    const scripted = await member(["bob"], "sfu", { localMedia: null });
    await joinSfu(scripted);
    scripted.socket.deliver({ type: "sfu-status", state: "ready", epoch: 1 });
    await offerStreams(scripted.socket, micAndCamera("bob"));
    expect(sentOf(scripted.socket, "sfu-publish")).toEqual([]);
    expect(FakePeerConnection.instances).toHaveLength(1);
    expect(tracksOf(scripted.group.peers.get("bob")!.stream)).toHaveLength(2);
  });

  it("screen share: a second video m-line (no simulcast) published by renegotiating; stopped: inactive, renegotiated", async () => {
    const { group, socket, publisher } = await inCall();
    const screen = new FakeMediaStream([fakeTrack("video", "screen")]) as unknown as MediaStream;
    await group.screenShare.start(screen);
    const publish = await answerPublish(socket, 1);
    expect(publish.tracks).toEqual([
      { mid: "0", source: "microphone" },
      { mid: "1", source: "camera" },
      { mid: "2", source: "screen" },
    ]);
    expect(publisher.transceivers[2]).toMatchObject({ kind: "video", direction: "sendonly", sendEncodings: [], streamIds: [screen.id] });
    // Untargeted, as in a mesh: the server routes it to the call.
    expect(sentOf(socket, "media-state").at(-1)).toEqual({ type: "media-state", audio: true, video: true, screen: screen.id });
    await vi.waitFor(() => expect(publisher.log.filter((entry) => entry === "remote:answer")).toHaveLength(2));

    group.screenShare.stop();
    const stopped = await answerPublish(socket, 2);
    expect(stopped.tracks).toEqual([
      { mid: "0", source: "microphone" },
      { mid: "1", source: "camera" },
    ]);
    expect(publisher.transceivers[2]!.direction).toBe("inactive");
    expect(sentOf(socket, "media-state").at(-1)).toEqual({ type: "media-state", audio: true, video: true });
  });

  it("shows another's screen share from its m-line of source screen, and drops it with that m-line", async () => {
    const { group, socket, subscriber, events } = await inCall();
    await offerStreams(socket, [...micAndCamera("bob"), ...micAndCamera("carol"), { mid: "b2", kind: "video", name: "bob", source: "screen" }]);
    expect(tracksOf(group.peers.get("bob")!.screen)).toEqual([receivedTrack(subscriber, "b2")]);
    expect(tracksOf(group.peers.get("bob")!.stream)).toHaveLength(2);
    expect(events.at(-1)).toBe("screen-share:bob:on");
    await offerStreams(socket, [...micAndCamera("bob"), ...micAndCamera("carol"), { mid: "b2", kind: "video" }]);
    expect(group.peers.get("bob")!.screen).toBeNull();
    expect(events.at(-1)).toBe("screen-share:bob:off");
  });

  it("moves from the mesh to the media server on the call's new media: pairs closed quietly, tiles kept", async () => {
    const scripted = await member(["bob", "carol"], "mesh");
    await joinSfu(scripted, "mesh");
    const { socket, group, events } = scripted;
    await vi.waitFor(() => expect(sentOf(socket, "video-offer")).toHaveLength(2));
    socket.deliver({ type: "media-state", name: "bob", from: "bob", target: "alice", audio: false, video: true });
    const pairs = [...FakePeerConnection.instances];
    socket.deliver({ type: "group-call", participants: ["bob", "carol", "alice", "dave"], media: "sfu" });
    expect(pairs.map((pc) => pc.signalingState)).toEqual(["closed", "closed"]);
    expect(sentOf(socket, "hang-up")).toEqual([]);
    expect(events).toEqual(["joined", "peer-joined:bob", "peer-joined:carol", "peer-joined:dave"]);
    expect(group.peers.get("bob")).toMatchObject({ audio: false, video: true, stream: null });
    socket.deliver({ type: "sfu-status", state: "ready", epoch: 1 });
    await answerPublish(socket, 0);
    await offerStreams(socket, [...micAndCamera("bob"), ...micAndCamera("dave")]);
    expect(tracksOf(group.peers.get("dave")!.stream)).toHaveLength(2);
    expect(() => group.sendFile(new Blob(["x"]))).toThrow(/media server/);
  });

  it("speaking from a participant's microphone receiver, quality from their receivers' stats", async () => {
    const { group, subscriber } = await inCall({ speakingIntervalMs: 5, qualityIntervalMs: 5 });
    const microphone = subscriber.transceivers.find((t) => t.mid === "b0")!.receiver;
    microphone.audioLevel = 0.3;
    await vi.waitFor(() => expect(group.peers.get("bob")?.speaking).toBe(true));
    expect(group.peers.get("carol")?.speaking).toBe(false);
    await vi.waitFor(() => expect(group.peers.get("bob")?.quality).toMatchObject({ framesDecoded: 20, packetLossPercent: 0 }));
  });

  it("leave(): both connections closed, group-leave, each tile dropped", async () => {
    const { group, socket, publisher, subscriber, events } = await inCall();
    group.leave();
    expect(events.slice(-3)).toEqual(["peer-left:bob", "peer-left:carol", "left:left"]);
    expect([publisher.signalingState, subscriber.signalingState]).toEqual(["closed", "closed"]);
    expect(sentOf(socket, "group-leave")).toHaveLength(1);
    expect(sentOf(socket, "hang-up")).toEqual([]);
  });
});
