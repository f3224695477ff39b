// Call against a fake RTCPeerConnection that follows JSEP's signaling state machine.
import type { CallMessage } from "@switchboard/protocol";
import { afterEach, describe, expect, it } from "vitest";
import { FakePeerConnection, FakeRTCPeerConnection } from "../../test/support/fake-peer-connection.js";
import { Call, type NegotiationMessage } from "./call.js";

const fakeStream = (...kinds: string[]) => {
  const tracks = kinds.map((kind) => ({ kind, id: kind }));
  return { getTracks: () => tracks } as unknown as MediaStream;
};

/** Two calls joined by an asynchronous "network" that records what went across. */
function pair(options: { aInitiator: boolean; bInitiator: boolean; aStream?: MediaStream | null; bStream?: MediaStream | null }) {
  const wire: { from: string; message: CallMessage }[] = [];
  const calls: Record<string, Call> = {};
  const make = (name: string, remote: string, initiator: boolean, stream: MediaStream | null) =>
    new Call({
      remote,
      callId: "c1",
      polite: name < remote, // "alice" is polite, "bob" impolite.
      initiator,
      localStream: stream,
      RTCPeerConnection: FakeRTCPeerConnection,
      send: (message) => {
        wire.push({ from: name, message });
        setTimeout(() => void calls[remote]!.handleSignal({ ...message, name } as NegotiationMessage), 1);
      },
    });
  calls.alice = make("alice", "bob", options.aInitiator, options.aStream ?? null);
  calls.bob = make("bob", "alice", options.bInitiator, options.bStream ?? null);
  return { alice: calls.alice, bob: calls.bob, wire };
}

const connected = (call: Call) =>
  new Promise<void>((resolve) => {
    if (call.connectionState === "connected") resolve();
    call.on("connection-state", (state) => state === "connected" && resolve());
  });

const fake = (call: Call) => call.peerConnection as unknown as FakePeerConnection;

afterEach(() => {
  FakePeerConnection.instances.length = 0;
});

describe("Call", () => {
  it("initiator offers with its tracks; the other side attaches its tracks to the offer before answering", async () => {
    const { alice, bob, wire } = pair({ aInitiator: true, bInitiator: false, aStream: fakeStream("audio", "video"), bStream: fakeStream("audio", "video") });
    await Promise.all([connected(alice), connected(bob)]);
    expect(fake(alice).log).toEqual(["local:offer", "remote:answer"]);
    expect(fake(bob).log).toEqual(["remote:offer", "local:answer"]);
    expect(fake(bob).tracks).toHaveLength(2);
    const sdpMessages = wire.filter((w) => w.message.type !== "new-ice-candidate");
    expect(sdpMessages.map((w) => `${w.from}:${w.message.type}`)).toEqual(["alice:video-offer", "bob:video-answer"]);
    // The article's shapes: sdp {type, sdp}, a plain candidate object, plus target and callId.
    expect(sdpMessages[0]!.message).toEqual({ type: "video-offer", target: "bob", callId: "c1", sdp: { type: "offer", sdp: expect.any(String) } });
    const candidate = wire.find((w) => w.message.type === "new-ice-candidate")!.message;
    expect(candidate).toMatchObject({ target: expect.any(String), candidate: { candidate: expect.stringContaining("candidate:"), sdpMid: "0", sdpMLineIndex: 0 } });
    alice.end("hung-up");
    bob.end("remote-hung-up");
  });

  it("a receive-only initiator asks for audio and video with recvonly transceivers", async () => {
    const { alice, bob } = pair({ aInitiator: true, bInitiator: false });
    await Promise.all([connected(alice), connected(bob)]);
    expect(fake(alice).transceivers.map((t) => `${t.kind}:${t.direction}`)).toEqual(["audio:recvonly", "video:recvonly"]);
    expect(fake(alice).tracks).toEqual([]);
  });

  it("resolves an offer collision: the polite side rolls back and answers, the impolite side ignores", async () => {
    const { alice, bob, wire } = pair({ aInitiator: true, bInitiator: true, aStream: fakeStream("video"), bStream: fakeStream("video") });
    await Promise.all([connected(alice), connected(bob)]);
    // Both offered; alice (polite) rolled hers back and answered bob's.
    expect(wire.filter((w) => w.message.type === "video-offer").map((w) => w.from).sort()).toEqual(["alice", "bob"]);
    expect(fake(alice).log.slice(0, 4)).toEqual(["local:offer", "rollback", "remote:offer", "local:answer"]);
    expect(fake(bob).log.slice(0, 2)).toEqual(["local:offer", "remote:answer"]);
    expect(fake(bob).log).not.toContain("rollback");
    expect(alice.peerConnection.signalingState).toBe("stable");
    expect(bob.peerConnection.signalingState).toBe("stable");
  });

  it("buffers candidates that arrive before the remote description and applies them after", async () => {
    const sent: CallMessage[] = [];
    const call = new Call({ remote: "bob", polite: true, initiator: false, localStream: null, RTCPeerConnection: FakeRTCPeerConnection, send: (m) => sent.push(m) });
    const candidate = { candidate: "candidate:early 1 udp 1 10.0.0.1 1 typ host", sdpMid: "0", sdpMLineIndex: 0 };
    const errors: unknown[] = [];
    call.on("error", (error) => errors.push(error));
    await call.handleSignal({ type: "new-ice-candidate", name: "bob", candidate });
    await call.handleSignal({ type: "new-ice-candidate", name: "bob", candidate: null });
    expect(fake(call).addedCandidates).toEqual([]);
    await call.handleSignal({ type: "video-offer", name: "bob", sdp: { type: "offer", sdp: "offer bob" } });
    expect(fake(call).addedCandidates).toEqual([candidate]);
    expect(sent.find((m) => m.type === "video-answer")).toBeDefined();
    expect(errors).toEqual([]);
    call.end("hung-up");
  });

  it("restarts ICE when the connection fails, and ends after the recovery timeout", async () => {
    const call = new Call({ remote: "bob", polite: false, initiator: false, localStream: null, RTCPeerConnection: FakeRTCPeerConnection, send: () => {}, recoveryTimeoutMs: 30 });
    const ended = new Promise((resolve) => call.on("ended", resolve));
    fake(call).setConnectionState("failed");
    expect(fake(call).restarts).toBe(1);
    expect(await ended).toBe("connection-failed");
    expect(call.peerConnection.signalingState).toBe("closed");
  });

  it("summarizes getStats() into a quality snapshot", async () => {
    const call = new Call({ remote: "bob", polite: false, initiator: false, localStream: null, RTCPeerConnection: FakeRTCPeerConnection, send: () => {} });
    expect(await call.getStats()).toMatchObject({ roundTripTimeMs: 12, packetLossPercent: 1, framesDecoded: 30, inboundKbps: null });
    call.end("hung-up");
  });

  it("end() closes once, emits once and sends nothing", () => {
    const sent: CallMessage[] = [];
    const call = new Call({ remote: "bob", polite: false, initiator: true, localStream: null, RTCPeerConnection: FakeRTCPeerConnection, send: (m) => sent.push(m) });
    const reasons: string[] = [];
    call.on("ended", (reason) => reasons.push(reason));
    call.end("hung-up");
    call.end("gone");
    expect(reasons).toEqual(["hung-up"]);
    expect(call.ended).toBe(true);
    expect(sent).toEqual([]);
  });

  it("refuses to start without any RTCPeerConnection", () => {
    expect(() => new Call({ remote: "bob", polite: false, initiator: true, localStream: null, send: () => {} })).toThrow(/RTCPeerConnection/);
  });
});
