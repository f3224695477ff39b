// Call.replaceLocalTrack against the fake RTCPeerConnection: the camera/microphone senders get
// the new track, nothing is negotiated again, and senders that are not ours are left alone.
import type { CallMessage } from "@switchboard/protocol";
import { afterEach, describe, expect, it, vi } from "vitest";
import { fakeStream, fakeTrack } from "../../test/support/fake-media.js";
import { FakePeerConnection, FakeRTCPeerConnection } from "../../test/support/fake-peer-connection.js";
import { Call, type NegotiationMessage } from "./call.js";

/** alice (initiator) and bob over an asynchronous wire; returns the calls and what they sent. */
function pair(aliceStream: MediaStream | null, bobStream: MediaStream | null) {
  const wire: string[] = [];
  const calls: Record<string, Call> = {};
  const make = (name: string, remote: string, stream: MediaStream | null) =>
    new Call({
      remote,
      callId: "c1",
      polite: name === "alice",
      initiator: name === "alice",
      localStream: stream,
      RTCPeerConnection: FakeRTCPeerConnection,
      send: (message: CallMessage) => {
        if (message.type !== "new-ice-candidate") wire.push(`${name}:${message.type}`);
        setTimeout(() => void calls[remote]?.handleSignal({ ...message, name } as NegotiationMessage), 1);
      },
    });
  calls.alice = make("alice", "bob", aliceStream);
  calls.bob = make("bob", "alice", bobStream);
  return { alice: calls.alice, bob: calls.bob, wire };
}

const fake = (call: Call) => call.peerConnection as unknown as FakePeerConnection;
const connected = (call: Call) =>
  new Promise<void>((resolve) => {
    if (call.connectionState === "connected") resolve();
    call.on("connection-state", (state) => state === "connected" && resolve());
  });

afterEach(() => {
  FakePeerConnection.instances.length = 0;
});

describe("Call.replaceLocalTrack", () => {
  it("puts the new camera on the camera's sender and in the local stream, with no new offer", async () => {
    const [mic, camera] = [fakeTrack("audio", "mic"), fakeTrack("video", "camera-1")];
    const stream = fakeStream(mic, camera);
    const { alice, bob, wire } = pair(stream, fakeStream(fakeTrack("audio", "b-mic"), fakeTrack("video", "b-cam")));
    await Promise.all([connected(alice), connected(bob)]);
    // A sender that is not the local stream's (what a screen share would add), negotiated first.
    const screen = fakeTrack("video", "screen");
    alice.peerConnection.addTrack(screen);
    await vi.waitFor(() => expect(fake(alice).log).toHaveLength(4));
    const [wireBefore, logBefore] = [[...wire], [...fake(alice).log]];

    const next = fakeTrack("video", "camera-2");
    await alice.replaceLocalTrack(next);
    expect(fake(alice).senders.map((sender) => (sender.track as MediaStreamTrack).id)).toEqual(["mic", "camera-2", "screen"]);
    expect(stream.getVideoTracks()).toEqual([next]);
    await new Promise((resolve) => setTimeout(resolve, 20));
    // No renegotiation: no description set, no offer sent.
    expect(fake(alice).log).toEqual(logBefore);
    expect(wire).toEqual(wireBefore);
    alice.end("hung-up");
    bob.end("remote-hung-up");
  });

  it("before the callee's first answer: the answer carries the new track", async () => {
    const bobStream = fakeStream(fakeTrack("audio", "b-mic"), fakeTrack("video", "b-cam-1"));
    const { alice, bob } = pair(fakeStream(fakeTrack("audio", "mic"), fakeTrack("video", "cam")), bobStream);
    const next = fakeTrack("video", "b-cam-2");
    await bob.replaceLocalTrack(next); // bob has not seen the offer yet: no senders.
    await Promise.all([connected(alice), connected(bob)]);
    expect(fake(bob).tracks.map((track) => (track as MediaStreamTrack).id)).toEqual(["b-mic", "b-cam-2"]);
    alice.end("hung-up");
    bob.end("remote-hung-up");
  });

  it("rejects for a receive-only call (no local stream) and for a kind the call does not send", async () => {
    const { alice, bob } = pair(null, fakeStream(fakeTrack("audio", "b-mic")));
    await expect(alice.replaceLocalTrack(fakeTrack("video", "cam"))).rejects.toThrow(/sends no media/);
    await expect(bob.replaceLocalTrack(fakeTrack("video", "cam"))).rejects.toThrow(/sends no video/);
    alice.end("hung-up");
    bob.end("remote-hung-up");
  });
});
