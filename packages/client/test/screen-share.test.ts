// Screen sharing over the real server, RTCPeerConnection faked (no media: a screen track's
// arrival is played into the receiver's fake peer connection). What is checked: who is told
// which stream is the screen, in time, in 1:1 and group calls, and who stops the capture.
// Real frames of a real getDisplayMedia: e2e/screen-share.test.ts.
import type { CallSession, SignalingClient } from "@switchboard/client";
import type { IncomingCallMessage } from "../src/signaling/signaling-types.js";
import { describe, expect, it, vi } from "vitest";
import { FakePeerConnection, type FakeTransceiver } from "./support/fake-peer-connection.js";
import { joinAll, meshConnected, member, type Member } from "./support/group.js";
import { nextIncoming, phone, reaches } from "./support/phones.js";
import { serverPerTest, until } from "./support/server.js";

const env = serverPerTest({}, () => {
  FakePeerConnection.instances.length = 0;
});
const { pool } = env;

class FakeTrack extends EventTarget {
  readonly kind = "video";
  readonly enabled = true;
  readyState: "live" | "ended" = "live";
  constructor(readonly id: string) {
    super();
  }
  stop(): void {
    this.readyState = "ended";
  }
}

function screenCapture(id: string) {
  const track = new FakeTrack(`${id}-track`);
  return { track, stream: { id, getVideoTracks: () => [track], getTracks: () => [track] } as unknown as MediaStream };
}

/** What arrives in the fake peer connection `pc` when the remote side's track of `streamId` does. */
function trackArrives(pc: RTCPeerConnection, streamId: string): MediaStream {
  const tracks: unknown[] = [];
  const stream = { id: streamId, getTracks: () => tracks, addTrack: (track: unknown) => tracks.push(track) } as unknown as MediaStream;
  (pc as unknown as FakePeerConnection).ontrack?.({ track: new FakeTrack("remote"), streams: [stream] });
  return stream;
}

const screenTransceivers = (pc: RTCPeerConnection) =>
  (pc as unknown as FakePeerConnection).transceivers.filter((t: FakeTransceiver) => t.streamIds.length > 0);

/** Every call message `client` receives, in order. */
function signalsOf(client: SignalingClient): IncomingCallMessage[] {
  const log: IncomingCallMessage[] = [];
  client.on("signal", (message) => log.push(message));
  return log;
}

async function oneToOne(): Promise<{ outgoing: CallSession; incoming: CallSession; bobSignals: IncomingCallMessage[]; aliceClient: SignalingClient }> {
  const alice = await phone(pool, "alice");
  const bob = await phone(pool, "bob", ["alice"]);
  await until(alice.client, "users", () => alice.client.user("bob") !== undefined);
  const bobSignals = signalsOf(bob.client);
  const ringing = nextIncoming(bob.manager);
  const outgoing = alice.manager.call("bob");
  const incoming = await ringing;
  await incoming.accept();
  await Promise.all([reaches(outgoing, "connected"), reaches(incoming, "connected")]);
  return { outgoing, incoming, bobSignals, aliceClient: alice.client };
}

describe("screen sharing in a 1:1 call", () => {
  it("tells the other side which stream is the screen, which keeps it apart from the camera; the browser's Stop sharing ends it there", async () => {
    const { outgoing, incoming, bobSignals } = await oneToOne();
    const theirs: (string | null)[] = [];
    incoming.on("screen-share", (stream) => theirs.push(stream?.id ?? null));
    const mine: (string | null)[] = [];
    outgoing.on("local-screen-share", (stream) => mine.push(stream?.id ?? null));
    const { stream, track } = screenCapture("alice-screen");

    await outgoing.screenShare.start(async () => stream);
    expect(outgoing.screenShare.stream).toBe(stream);
    expect(screenTransceivers(outgoing.call!.peerConnection).map((t) => [t.direction, t.streamIds])).toEqual([["sendrecv", ["alice-screen"]]]);
    await vi.waitFor(() => expect(bobSignals.filter((m) => m.type === "media-state")).toHaveLength(1));
    expect(bobSignals.find((m) => m.type === "media-state")).toMatchObject({ from: "alice", target: "bob", callId: outgoing.id, screen: "alice-screen", audio: false, video: false });

    const arrived = trackArrives(incoming.call!.peerConnection, "alice-screen");
    expect(incoming.remoteScreenStream).toBe(arrived);
    expect(incoming.remoteStream).toBe(null); // Not taken for her camera.
    trackArrives(incoming.call!.peerConnection, "alice-camera");
    expect(incoming.remoteStream?.id).toBe("alice-camera");

    // What the browser does on its own "Stop sharing": the track ends.
    track.stop();
    track.dispatchEvent(new Event("ended"));
    await vi.waitFor(() => expect(theirs).toEqual(["alice-screen", null]));
    expect(incoming.remoteScreenStream).toBe(null);
    expect(screenTransceivers(outgoing.call!.peerConnection).map((t) => [t.direction, t.sender.track])).toEqual([["recvonly", null]]);
    expect(mine).toEqual(["alice-screen", null]);
    outgoing.hangUp();
  });

  it("the callee shares the same way; hanging up stops the capture the SDK opened", async () => {
    const { outgoing, incoming } = await oneToOne();
    const { stream, track } = screenCapture("bob-screen");
    await incoming.screenShare.start(async () => stream);
    await vi.waitFor(() => expect(screenTransceivers(incoming.call!.peerConnection)).toHaveLength(1));
    await vi.waitFor(() => {
      trackArrives(outgoing.call!.peerConnection, "bob-screen");
      expect(outgoing.remoteScreenStream?.id).toBe("bob-screen");
    });
    outgoing.hangUp();
    await reaches(incoming, "ended");
    expect(track.readyState).toBe("ended");
    expect(incoming.screenShare.stream).toBe(null);
    await expect(incoming.screenShare.start(async () => screenCapture("late").stream)).rejects.toThrow(/not connecting or connected/);
  });

  it("a media-state with a malformed screen id is refused (invalid-message) and reaches nobody; the call goes on and a good one still works", async () => {
    const { outgoing, incoming, bobSignals, aliceClient } = await oneToOne();
    const refused: string[] = [];
    aliceClient.on("error", (error) => refused.push(`${error.code}: ${error.message}`));
    const send = (screen: unknown) => aliceClient.send({ type: "media-state", target: "bob", callId: outgoing.id, audio: true, video: true, screen });
    send("has spaces in it");
    send("x".repeat(65));
    send("alice-screen");
    await vi.waitFor(() => {
      trackArrives(incoming.call!.peerConnection, "alice-screen");
      expect(incoming.remoteScreenStream?.id).toBe("alice-screen");
    });
    expect(refused).toEqual(Array(2).fill(expect.stringMatching(/^invalid-message: .*"screen": is not a stream id/)));
    expect(bobSignals.filter((m) => m.type === "media-state").map((m) => m.screen)).toEqual(["alice-screen"]);
    expect(incoming.state).toBe("connected");
  });
});

describe("screen sharing in a group call", () => {
  it("reaches everyone in the call and a late joiner, who learns the screen's stream before the offer that adds it", async () => {
    const pcs = new Map<string, FakePeerConnection[]>();
    const people = await Promise.all(
      ["alice", "bob", "carol"].map((name) => {
        pcs.set(name, []);
        const Owned = class extends FakePeerConnection {
          constructor(configuration?: RTCConfiguration) {
            super(configuration);
            pcs.get(name)!.push(this);
          }
        };
        return member(pool, name, "team", { RTCPeerConnection: Owned as unknown as typeof RTCPeerConnection });
      }),
    );
    const [alice, bob, carol] = people as [Member, Member, Member];
    /** Plays the track of `streamId` into every peer connection of `name`'s. */
    const arrives = (name: string, streamId: string) => pcs.get(name)!.forEach((pc) => trackArrives(pc as unknown as RTCPeerConnection, streamId));
    await joinAll([alice, bob]);
    await alice.group.screenShare.start(screenCapture("alice-screen").stream);
    await vi.waitFor(() => expect(bob.group.peers.get("alice")).toBeDefined());
    await vi.waitFor(() => {
      arrives("bob", "alice-screen");
      expect(bob.group.peers.get("alice")?.screen?.id).toBe("alice-screen");
    });

    const carolSignals = signalsOf(carol.client);
    const shared: string[] = [];
    carol.group.on("screen-share", (name, screen) => shared.push(`${name}:${screen?.id ?? null}`));
    await carol.group.join();
    await meshConnected([alice, bob, carol]);
    // Alice waits for carol's offer, answers, then offers the screen's transceiver.
    await vi.waitFor(() => expect(carolSignals.some((m) => m.from === "alice" && m.type === "video-offer")).toBe(true));
    for (const pc of pcs.get("alice")!) expect(screenTransceivers(pc as unknown as RTCPeerConnection).map((t) => t.streamIds)).toEqual([["alice-screen"]]);
    const fromAlice = carolSignals.filter((m) => m.from === "alice" && ["media-state", "video-offer", "video-answer"].includes(m.type));
    expect(fromAlice.map((m) => m.type)).toEqual(["media-state", "video-answer", "video-offer"]);
    expect(fromAlice[0]).toMatchObject({ target: "carol", screen: "alice-screen" });

    arrives("carol", "alice-screen");
    await vi.waitFor(() => expect(carol.group.peers.get("alice")?.screen?.id).toBe("alice-screen"));
    expect(carol.group.peers.get("bob")?.screen).toBe(null); // Bob named no screen: not his.
    expect(shared).toEqual(["alice:alice-screen"]);

    alice.group.screenShare.stop();
    await vi.waitFor(() => expect(carol.group.peers.get("alice")?.screen).toBe(null));
    await vi.waitFor(() => expect(bob.group.peers.get("alice")?.screen).toBe(null));
    expect(shared).toEqual(["alice:alice-screen", "alice:null"]);
    for (const pc of pcs.get("alice")!) expect(screenTransceivers(pc as unknown as RTCPeerConnection).map((t) => t.direction)).toEqual(["recvonly"]);
  });

  it("only while joined; leaving stops the capture the SDK opened", async () => {
    const [alice, bob] = (await Promise.all(["alice", "bob"].map((name) => member(pool, name, "team")))) as [Member, Member];
    const { stream, track } = screenCapture("alice-screen");
    await expect(alice.group.screenShare.start(async () => stream)).rejects.toThrow(/join the group call first/);
    expect(track.readyState).toBe("live");
    await joinAll([alice, bob]);
    await alice.group.screenShare.start(async () => stream);
    alice.group.leave();
    expect(track.readyState).toBe("ended");
    expect(alice.group.screenShare.stream).toBe(null);
  });
});
