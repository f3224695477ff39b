// Device switches over the real server, RTCPeerConnection faked: CallSession.replaceTrack while
// ringing and connected, GroupCall.replaceTrack for every pair and for a later joiner. Nothing
// is negotiated again (no offer goes out); the real media across a switch: e2e/devices.test.ts.
import { describe, expect, it } from "vitest";
import { fakeStream, fakeTrack } from "./support/fake-media.js";
import { FakePeerConnection } from "./support/fake-peer-connection.js";
import { joinAll, meshConnected, member } from "./support/group.js";
import { nextIncoming, phone, reaches } from "./support/phones.js";
import { serverPerTest, until } from "./support/server.js";

const env = serverPerTest({ maxMeshParticipants: 4 }, () => {
  FakePeerConnection.instances.length = 0;
});
const { pool } = env;

const sentTrackIds = (pc: RTCPeerConnection) => (pc as unknown as FakePeerConnection).senders.map((sender) => (sender.track as MediaStreamTrack).id).sort();
/** The fake peer connections that send `track`. */
const sending = (track: MediaStreamTrack) => FakePeerConnection.instances.filter((pc) => pc.senders.some((sender) => sender.track === track));
const offersSent = () => FakePeerConnection.instances.reduce((n, pc) => n + pc.log.filter((entry) => entry === "local:offer").length, 0);

describe("device switches", () => {
  it("1:1: replaceTrack while ringing and while connected; the replaced track is handed back; no renegotiation", async () => {
    const aliceStream = fakeStream(fakeTrack("audio", "mic-1"), fakeTrack("video", "camera-1"));
    const alice = await phone(pool, "alice", [], { localMedia: aliceStream });
    const bob = await phone(pool, "bob", ["alice"], { localMedia: fakeStream(fakeTrack("audio", "b-mic"), fakeTrack("video", "b-cam")) });
    await until(alice.client, "users", () => alice.client.user("bob") !== undefined);
    const ringing = nextIncoming(bob.manager);
    const outgoing = alice.manager.call("bob");
    const incoming = await ringing;
    // Ringing: no peer connection yet; the stream takes the new microphone, muted as the old one was.
    aliceStream.getAudioTracks()[0]!.enabled = false;
    const mic2 = fakeTrack("audio", "mic-2");
    expect((await outgoing.replaceTrack(mic2))?.id).toBe("mic-1");
    expect(mic2.enabled).toBe(false);
    await incoming.accept();
    await Promise.all([reaches(outgoing, "connected"), reaches(incoming, "connected")]);
    const pc = outgoing.call!.peerConnection;
    expect(sentTrackIds(pc)).toEqual(["camera-1", "mic-2"]);

    const offers = offersSent();
    const camera2 = fakeTrack("video", "camera-2");
    expect((await outgoing.replaceTrack(camera2))?.id).toBe("camera-1");
    expect(sentTrackIds(pc)).toEqual(["camera-2", "mic-2"]);
    expect(aliceStream.getTracks().map((t) => t.id).sort()).toEqual(["camera-2", "mic-2"]);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(offersSent()).toBe(offers);

    outgoing.hangUp();
    await expect(outgoing.replaceTrack(fakeTrack("video", "camera-3"))).rejects.toThrow(/over/);
  });

  it("group: replaceTrack reaches every pair, and a later joiner gets the new track", async () => {
    const aliceStream = fakeStream(fakeTrack("audio", "mic"), fakeTrack("video", "camera-1"));
    const members = await Promise.all([
      member(pool, "alice", "standup", { localMedia: aliceStream }),
      member(pool, "bob", "standup", { localMedia: fakeStream(fakeTrack("audio", "b-mic"), fakeTrack("video", "b-cam")) }),
      member(pool, "carol", "standup", { localMedia: fakeStream(fakeTrack("audio", "c-mic"), fakeTrack("video", "c-cam")) }),
    ]);
    const [alice, bob, carol] = members;
    await expect(alice!.group.replaceTrack(fakeTrack("video", "early"))).rejects.toThrow(/not in the call/);
    await joinAll([alice!, bob!]);
    alice!.group.setCamera(false);
    const offers = offersSent();
    const camera2 = fakeTrack("video", "camera-2");
    expect((await alice!.group.replaceTrack(camera2))?.id).toBe("camera-1");
    expect(camera2.enabled).toBe(false); // The camera stays off, as the others were told.
    expect(sending(camera2)).toHaveLength(1); // alice's pair with bob.
    expect(sentTrackIds(sending(camera2)[0]! as unknown as RTCPeerConnection)).toEqual(["camera-2", "mic"]);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(offersSent()).toBe(offers);

    // carol joins after the switch: alice attaches her stream to carol's offer, with camera-2.
    await until(carol!.client, "group-call", () => carol!.group.participants.length === 2);
    await carol!.group.join();
    await meshConnected([alice!, bob!, carol!]);
    // carol's pair took camera-2 when it was attached: alice now sends it on both pairs, camera-1 on none.
    expect(sending(camera2)).toHaveLength(2);
    expect(FakePeerConnection.instances.filter((pc) => pc.tracks.some((track) => (track as MediaStreamTrack).id === "camera-1"))).toHaveLength(1);
    expect(alice!.group.localStream?.getVideoTracks()).toEqual([camera2]);
  });
});
