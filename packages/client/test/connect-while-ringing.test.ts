// Connecting while it rings (CallManager's connectWhileRinging): the offer follows the invite,
// the callee answers while ringing, and no track is on a sender until the accept. Over the
// real server, RTCPeerConnection faked; real media and the privacy check in Chromium:
// e2e/accept-to-media.test.ts.
import type { CallSession } from "@switchboard/client";
import { describe, expect, it, vi } from "vitest";
import { VIDEO_GENTLE_START_MS } from "../src/call/local-senders.js";
import { FakePeerConnection } from "./support/fake-peer-connection.js";
import { endsWith, nextIncoming, phone, reaches, type Phone } from "./support/phones.js";
import { serverPerTest, until } from "./support/server.js";

const env = serverPerTest({}, () => {
  FakePeerConnection.instances.length = 0;
});
const { pool } = env;

function fakeStream(id: string): MediaStream {
  const tracks = [
    { kind: "audio", id: `${id}-mic`, enabled: true, stop() {} },
    { kind: "video", id: `${id}-cam`, enabled: true, stop() {} },
  ];
  return { id, getTracks: () => tracks, getAudioTracks: () => [tracks[0]], getVideoTracks: () => [tracks[1]] } as unknown as MediaStream;
}

async function twoPhones(options = {}): Promise<[Phone, Phone]> {
  const alice = await phone(pool, "alice", [], { localMedia: fakeStream("alice"), ...options });
  const bob = await phone(pool, "bob", ["alice"], { localMedia: fakeStream("bob"), ...options });
  await until(alice.client, "users", () => alice.client.user("bob") !== undefined);
  return [alice, bob];
}

const pcOf = (session: CallSession) => session.call!.peerConnection as unknown as FakePeerConnection;

/** Both peer connections exist and are connected while it still rings. */
async function ringingConnected(alice: Phone, bob: Phone): Promise<[CallSession, CallSession]> {
  const ringing = nextIncoming(bob.manager);
  const outgoing = alice.manager.call("bob");
  const incoming = await ringing;
  await vi.waitFor(() => {
    expect(incoming.call?.connectionState).toBe("connected");
    expect(outgoing.call?.connectionState).toBe("connected");
  });
  return [outgoing, incoming];
}

describe("connecting while it rings", () => {
  it("negotiates during ringing with every sender empty, and starts both sides' media on accept", async () => {
    const [alice, bob] = await twoPhones();
    const [outgoing, incoming] = await ringingConnected(alice, bob);
    expect([outgoing.state, incoming.state]).toEqual(["outgoing-ringing", "incoming-ringing"]);
    // Held: negotiated sendrecv, but no track on any sender, so no media can leave.
    for (const session of [outgoing, incoming]) {
      expect(pcOf(session).sendingTracks).toEqual([]);
      expect(pcOf(session).getTransceivers().map((t) => `${t.receiver.track.kind}:${t.direction}`)).toEqual(["audio:sendrecv", "video:sendrecv"]);
      expect(session.call!.mediaHeld).toBe(true);
    }
    const offers = pcOf(outgoing).log.filter((entry) => entry === "local:offer").length;

    await incoming.accept();
    await Promise.all([reaches(outgoing, "connected"), reaches(incoming, "connected")]);
    expect(pcOf(incoming).sendingTracks.map((t) => (t as { id: string }).id)).toEqual(["bob-mic", "bob-cam"]);
    await vi.waitFor(() => expect(pcOf(outgoing).sendingTracks).toHaveLength(2));
    expect(pcOf(outgoing).sendingTracks.map((t) => (t as { id: string }).id)).toEqual(["alice-mic", "alice-cam"]);
    // The video starts gently (half size, no frames dropped), then goes back to its own settings.
    const videoSender = pcOf(incoming).getTransceivers()[1]!.sender;
    expect(videoSender.parameters).toEqual({ degradationPreference: "maintain-resolution", encodings: [{ scaleResolutionDownBy: 2 }] });
    expect(pcOf(incoming).getTransceivers()[0]!.sender.parameters).toEqual({ encodings: [{}] });
    await vi.waitFor(() => expect(videoSender.parameters).toEqual({ encodings: [{}] }), { timeout: VIDEO_GENTLE_START_MS + 1_000 });
    // Accepting swapped tracks in: no second offer.
    expect(pcOf(outgoing).log.filter((entry) => entry === "local:offer")).toHaveLength(offers);
    expect(FakePeerConnection.instances).toHaveLength(2);
  });

  it("no screen share goes out while it rings either: start() is refused until the accept", async () => {
    const [alice, bob] = await twoPhones();
    const [outgoing, incoming] = await ringingConnected(alice, bob);
    const track = Object.assign(new EventTarget(), { kind: "video", id: "alice-screen", enabled: true, readyState: "live", stop() {} });
    const screen = { id: "alice-screen", getVideoTracks: () => [track], getTracks: () => [track] } as unknown as MediaStream;
    await expect(outgoing.screenShare.start(async () => screen)).rejects.toThrow(/not connecting or connected/);
    expect(pcOf(outgoing).sendingTracks).toEqual([]);
    await incoming.accept();
    await reaches(outgoing, "connected");
    await vi.waitFor(() => expect(outgoing.call!.mediaHeld).toBe(false));
    await outgoing.screenShare.start(async () => screen);
    expect(pcOf(outgoing).sendingTracks).toContain(track);
  });

  it("decline and cancel close the ringing peer connections; nothing was ever sent", async () => {
    const [alice, bob] = await twoPhones();
    let [outgoing, incoming] = await ringingConnected(alice, bob);
    incoming.decline();
    expect(await endsWith(outgoing)).toBe("declined");
    for (const session of [outgoing, incoming]) expect(pcOf(session).signalingState).toBe("closed");

    [outgoing, incoming] = await ringingConnected(alice, bob);
    outgoing.cancel();
    expect(await endsWith(incoming)).toBe("cancelled");
    for (const session of [outgoing, incoming]) expect(pcOf(session).signalingState).toBe("closed");
    expect(FakePeerConnection.instances.flatMap((pc) => pc.tracks)).toEqual([]);
  });

  it("a callee without a camera: the kinds it lacks go receive-only on accept", async () => {
    const alice = await phone(pool, "alice", [], { localMedia: fakeStream("alice") });
    const microphoneOnly = { id: "bob", getTracks: () => [{ kind: "audio", id: "bob-mic", stop() {} }] } as unknown as MediaStream;
    const bob = await phone(pool, "bob", ["alice"], { localMedia: microphoneOnly });
    await until(alice.client, "users", () => alice.client.user("bob") !== undefined);
    const [outgoing, incoming] = await ringingConnected(alice, bob);
    await incoming.accept();
    await Promise.all([reaches(outgoing, "connected"), reaches(incoming, "connected")]);
    expect(pcOf(incoming).getTransceivers().map((t) => `${t.receiver.track.kind}:${t.direction}`)).toEqual(["audio:sendrecv", "video:recvonly"]);
    expect(pcOf(incoming).sendingTracks.map((t) => (t as { id: string }).id)).toEqual(["bob-mic"]);
  });

  it("glare: both call at once, the polite side drops its own ringing connection and one call connects", async () => {
    const [alice, bob] = await twoPhones();
    const fromAlice = alice.manager.call("bob");
    const fromBob = bob.manager.call("alice");
    await Promise.all([reaches(fromAlice, "connected"), reaches(fromBob, "connected")]);
    expect(fromAlice.id).toBe(fromBob.id);
    expect(fromAlice.call!.mediaHeld || fromBob.call!.mediaHeld).toBe(false);
    await vi.waitFor(() => expect([pcOf(fromAlice).sendingTracks.length, pcOf(fromBob).sendingTracks.length]).toEqual([2, 2]));
    // Exactly one dropped connection: the polite side's own attempt, closed.
    const live = FakePeerConnection.instances.filter((pc) => pc.signalingState !== "closed");
    expect(live).toHaveLength(2);
    expect(FakePeerConnection.instances).toHaveLength(3);
  });

  it("switched off, nothing is negotiated before the accept", async () => {
    const [alice, bob] = await twoPhones({ connectWhileRinging: false });
    const ringing = nextIncoming(bob.manager);
    const outgoing = alice.manager.call("bob");
    const incoming = await ringing;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(FakePeerConnection.instances).toHaveLength(0);
    await incoming.accept();
    await Promise.all([reaches(outgoing, "connected"), reaches(incoming, "connected")]);
    expect(outgoing.call!.mediaHeld).toBe(false);
  });
});
