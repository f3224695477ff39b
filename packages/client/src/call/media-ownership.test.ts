// Who stops the camera: the SDK stops what its `localMedia` function opened, however the call
// ends (and a stream that arrives after the end at once); a stream the app hands over stays on.
// A CallManager over a scripted socket (the server's side played by the test) and a fake
// RTCPeerConnection; tracks are fakes that record stop().
import { afterEach, describe, expect, it } from "vitest";
import { FakePeerConnection, FakeRTCPeerConnection } from "../../test/support/fake-peer-connection.js";
import { opened, type FakeSocket } from "../../test/support/scripted-socket.js";
import type { SignalingClient } from "../signaling/signaling-client.js";
import { CallManager, type CallManagerOptions } from "./call-manager.js";
import type { CallSession } from "./call-session.js";
import type { CallEndReason, CallState } from "./call-state.js";

class FakeTrack {
  readyState: MediaStreamTrackState = "live";
  constructor(readonly kind: "audio" | "video") {}
  stop(): void {
    this.readyState = "ended";
  }
}

/** A camera + microphone stream whose tracks say whether they were stopped. */
function fakeStream(): { stream: MediaStream; states: () => MediaStreamTrackState[] } {
  const tracks = [new FakeTrack("audio"), new FakeTrack("video")];
  const stream = { id: "local", getTracks: () => tracks, getAudioTracks: () => [tracks[0]], getVideoTracks: () => [tracks[1]] };
  return { stream: stream as unknown as MediaStream, states: () => tracks.map((track) => track.readyState) };
}

const LIVE = ["live", "live"];
const ENDED = ["ended", "ended"];
const bob = { name: "bob", from: "bob", target: "alice" };
const managers: CallManager[] = [];
const clients: SignalingClient[] = [];

afterEach(() => {
  for (const manager of managers.splice(0)) manager.dispose();
  for (const client of clients.splice(0)) client.close();
  FakePeerConnection.instances.length = 0;
});

/** alice, logged in, sees bob; her CallManager runs on the fake peer connection. */
async function alice(options: Partial<CallManagerOptions>): Promise<{ manager: CallManager; socket: FakeSocket }> {
  const { client, socket } = await opened();
  const login = client.login("alice");
  socket.ack("username", { name: "alice" });
  await login;
  socket.deliver({ type: "userlist", users: ["alice", "bob"], busy: [], legacy: [] });
  const manager = new CallManager(client, { RTCPeerConnection: FakeRTCPeerConnection, createCallId: () => "c1", ...options });
  clients.push(client);
  managers.push(manager);
  return { manager, socket };
}

function reaches(session: CallSession, wanted: CallState): Promise<void> {
  return new Promise((resolve) => {
    if (session.state === wanted) return resolve();
    const dispose = session.on("state", (state) => {
      if (state !== wanted) return;
      dispose();
      resolve();
    });
  });
}

function ended(session: CallSession): Promise<CallEndReason> {
  return new Promise((resolve) => (session.endReason ? resolve(session.endReason) : session.on("ended", resolve)));
}

async function sent(socket: FakeSocket, type: string): Promise<Record<string, unknown>> {
  for (;;) {
    const message = socket.sent.find((m) => m.type === type);
    if (message) return message;
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

/** alice calls bob; the server acks the invite. Resolves once her local stream is obtained. */
async function ringingOut(socket: FakeSocket, manager: CallManager, obtained: () => boolean): Promise<CallSession> {
  const session = manager.call("bob");
  socket.deliver({ type: "ack", ref: (await sent(socket, "call-invite")).ref });
  while (!obtained()) await new Promise((resolve) => setTimeout(resolve, 1));
  return session;
}

/** bob accepts alice's call and answers her offer: the call connects. */
async function connect(socket: FakeSocket, session: CallSession): Promise<void> {
  socket.deliver({ type: "call-accept", callId: "c1", ...bob });
  await sent(socket, "video-offer");
  socket.deliver({ type: "video-answer", sdp: { type: "answer", sdp: "answer" }, callId: "c1", ...bob });
  await reaches(session, "connected");
}

/** One outgoing call that ends for `reason`, driven by `end`. */
type Ending = (context: { socket: FakeSocket; session: CallSession }) => Promise<void> | void;

const endings: [CallEndReason, Partial<CallManagerOptions>, Ending][] = [
  ["cancelled", {}, ({ session }) => session.hangUp()],
  ["declined", {}, ({ socket }) => socket.deliver({ type: "call-decline", callId: "c1", reason: "declined", ...bob })],
  ["busy", {}, ({ socket }) => socket.deliver({ type: "call-decline", callId: "c1", reason: "busy", ...bob })],
  ["no-answer", { ringTimeoutMs: 20 }, () => {}],
  ["connection-failed", { connectTimeoutMs: 20 }, ({ socket }) => socket.deliver({ type: "call-accept", callId: "c1", ...bob })],
  ["hung-up", {}, async ({ socket, session }) => {
    await connect(socket, session);
    session.hangUp();
  }],
  ["remote-hung-up", {}, async ({ socket, session }) => {
    await connect(socket, session);
    socket.deliver({ type: "hang-up", callId: "c1", ...bob });
  }],
  ["gone", {}, async ({ socket, session }) => {
    await connect(socket, session);
    socket.deliver({ type: "user-left", users: ["bob"] });
  }],
];

describe("CallManager: the SDK stops the local media it opened", () => {
  it.each(endings)("a call ending %s stops every track its localMedia function opened", async (reason, options, end) => {
    const media = fakeStream();
    let asked = 0;
    const { manager, socket } = await alice({ ...options, localMedia: () => (asked++, media.stream) });
    const session = await ringingOut(socket, manager, () => asked === 1);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(media.states()).toEqual(LIVE);
    await end({ socket, session });
    expect(await ended(session)).toBe(reason);
    expect(media.states()).toEqual(ENDED);
  });

  it("stops the callee's media too when the caller hangs up", async () => {
    const media = fakeStream();
    const { manager, socket } = await alice({ localMedia: async () => media.stream });
    const ringing = new Promise<CallSession>((resolve) => manager.on("incoming-call", resolve));
    socket.deliver({ type: "call-invite", callId: "b1", media: { audio: true, video: true }, ...bob });
    const session = await ringing;
    await session.accept();
    socket.deliver({ type: "video-offer", sdp: { type: "offer", sdp: "offer" }, callId: "b1", ...bob });
    await reaches(session, "connected");
    expect(media.states()).toEqual(LIVE);
    socket.deliver({ type: "hang-up", callId: "b1", ...bob });
    expect(await ended(session)).toBe("remote-hung-up");
    expect(media.states()).toEqual(ENDED);
  });

  it("stops a stream that arrives after the call ended at once, and never sends it", async () => {
    const media = fakeStream();
    let grant!: (stream: MediaStream) => void;
    const { manager, socket } = await alice({ localMedia: () => new Promise<MediaStream>((resolve) => (grant = resolve)) });
    const session = manager.call("bob");
    socket.deliver({ type: "ack", ref: (await sent(socket, "call-invite")).ref });
    socket.deliver({ type: "call-accept", callId: "c1", ...bob }); // Accepted while the camera still opens...
    session.hangUp(); // ...and hung up before it did.
    expect(await ended(session)).toBe("hung-up");
    grant(media.stream); // The permission prompt is answered late.
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(media.states()).toEqual(ENDED);
    expect(FakePeerConnection.instances.flatMap((pc) => pc.tracks)).toEqual([]);
  });

  it("stops a late stream on the callee's side when the caller cancels during accept()", async () => {
    const media = fakeStream();
    let grant!: (stream: MediaStream) => void;
    const { manager, socket } = await alice({ localMedia: () => new Promise<MediaStream>((resolve) => (grant = resolve)) });
    const ringing = new Promise<CallSession>((resolve) => manager.on("incoming-call", resolve));
    socket.deliver({ type: "call-invite", callId: "b1", ...bob });
    const session = await ringing;
    const accepting = session.accept();
    socket.deliver({ type: "call-cancel", callId: "b1", ...bob });
    expect(await ended(session)).toBe("cancelled");
    grant(media.stream);
    await accepting;
    expect(media.states()).toEqual(ENDED);
  });
});

describe("CallManager: a stream the app hands over stays the app's", () => {
  it("never stops the localMedia option given as a stream, across calls", async () => {
    const preview = fakeStream();
    const { manager, socket } = await alice({ localMedia: preview.stream });
    for (let round = 0; round < 2; round++) {
      const session = manager.call("bob");
      await sent(socket, "call-invite");
      socket.sent.length = 0;
      session.hangUp();
      expect(await ended(session)).toBe("cancelled");
    }
    expect(preview.states()).toEqual(LIVE);
  });

  it("never stops a stream given to call() or accept()", async () => {
    const opened = fakeStream();
    const given = fakeStream();
    const { manager, socket } = await alice({ localMedia: () => opened.stream });
    const outgoing = manager.call("bob", { localStream: given.stream });
    socket.deliver({ type: "ack", ref: (await sent(socket, "call-invite")).ref });
    await connect(socket, outgoing);
    outgoing.hangUp();
    await ended(outgoing);

    const ringing = new Promise<CallSession>((resolve) => manager.on("incoming-call", resolve));
    socket.deliver({ type: "call-invite", callId: "b2", ...bob });
    const incoming = await ringing;
    await incoming.accept(given.stream);
    socket.deliver({ type: "hang-up", callId: "b2", ...bob });
    await ended(incoming);
    expect(given.states()).toEqual(LIVE);
    expect(opened.states()).toEqual(LIVE); // Never asked for: the app gave a stream each time.
  });
});
