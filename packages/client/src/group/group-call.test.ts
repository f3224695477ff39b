// GroupCall against a scripted server (the test plays it) and the fake RTCPeerConnection:
// roles, join and leave, late joiners, participants leaving, media ownership, media-state,
// room switches and lost sessions, message by message.
import { afterEach, describe, expect, it, vi } from "vitest";
import { FakePeerConnection, FakeRTCPeerConnection } from "../../test/support/fake-peer-connection.js";
import { FakeSocket, scriptedClient } from "../../test/support/scripted-socket.js";
import type { SignalingClient } from "../signaling/signaling-client.js";
import { GroupCall } from "./group-call.js";
import type { GroupCallOptions } from "./group-call-types.js";

class FakeTrack {
  readyState: MediaStreamTrackState = "live";
  enabled = true;
  constructor(readonly kind: "audio" | "video") {}
  stop(): void {
    this.readyState = "ended";
  }
}

function fakeStream() {
  const audio = new FakeTrack("audio");
  const video = new FakeTrack("video");
  const stream = { id: "local", getTracks: () => [audio, video], getAudioTracks: () => [audio], getVideoTracks: () => [video] };
  return { stream: stream as unknown as MediaStream, audio, video };
}

const groups: GroupCall[] = [];
const clients: SignalingClient[] = [];
afterEach(() => {
  for (const group of groups.splice(0)) group.dispose();
  for (const client of clients.splice(0)) client.close();
  FakePeerConnection.instances.length = 0;
});

/** alice, logged into room "standup" of a scripted server whose group call has `participants`. */
async function alice(participants: string[], options: Partial<GroupCallOptions> = {}, clientOptions = {}) {
  const client = scriptedClient({ room: "standup", ...clientOptions });
  clients.push(client);
  const connected = client.connect();
  const socket = FakeSocket.last!;
  socket.open();
  socket.welcome({ room: "standup", resumeToken: "t0" }, { maxMeshParticipants: 4 });
  await connected;
  const login = client.login("alice");
  socket.ack("username", { name: "alice" });
  await login;
  socket.deliver({ type: "userlist", users: ["alice", ...participants], busy: [], legacy: [] });
  socket.deliver({ type: "group-call", participants });
  const group = new GroupCall(client, { RTCPeerConnection: FakeRTCPeerConnection, ...options });
  groups.push(group);
  const events: string[] = [];
  group.on("peer-joined", (peer) => events.push(`peer-joined:${peer.name}`));
  group.on("peer-left", (name) => events.push(`peer-left:${name}`));
  group.on("joined", () => events.push("joined"));
  group.on("left", (reason) => events.push(`left:${reason}`));
  return { client, socket, group, events };
}

type Scripted = Awaited<ReturnType<typeof alice>>;
const sentOf = (socket: FakeSocket, type: string) => socket.sent.filter((message) => message.type === type);
const from = (name: string) => ({ name, from: name, target: "alice" });

/** join(), answered by the server: the ack, then the group call with alice last. */
async function joined(scripted: Scripted): Promise<void> {
  const { socket, group } = scripted;
  const joining = group.join();
  await vi.waitFor(() => expect(sentOf(socket, "group-join")).toHaveLength(1));
  socket.ack("group-join");
  await joining;
  socket.deliver({ type: "group-call", participants: [...group.participants.filter((name) => name !== "alice"), "alice"] });
}

describe("GroupCall (scripted server)", () => {
  it("knows the room's call before joining, then offers to each one already in it, under the pair's id", async () => {
    const scripted = await alice(["bob", "carol"]);
    expect(scripted.group.participants).toEqual(["bob", "carol"]);
    expect(scripted.group.joined).toBe(false);
    await joined(scripted);
    expect(scripted.events).toEqual(["joined", "peer-joined:bob", "peer-joined:carol"]);
    await vi.waitFor(() => expect(sentOf(scripted.socket, "video-offer")).toHaveLength(2));
    expect(sentOf(scripted.socket, "video-offer").map((m) => [m.target, m.callId])).toEqual([
      ["bob", "group:standup:alice|bob"],
      ["carol", "group:standup:alice|carol"],
    ]);
    // Our microphone and camera, for their tiles; and busy for 1:1 calls.
    expect(sentOf(scripted.socket, "media-state").map((m) => [m.target, m.audio, m.video])).toEqual([
      ["bob", true, true],
      ["carol", true, true],
    ]);
    expect(sentOf(scripted.socket, "set-status").map((m) => m.status)).toEqual(["busy"]);
  });

  it("waits for the offer of one who joins after us, and answers it", async () => {
    const scripted = await alice(["bob"]);
    await joined(scripted);
    const { socket, group } = scripted;
    socket.deliver({ type: "group-call", participants: ["bob", "alice", "dave"] });
    expect(scripted.events).toContain("peer-joined:dave");
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(sentOf(socket, "video-offer").map((m) => m.target)).toEqual(["bob"]);
    socket.deliver({ type: "video-offer", ...from("dave"), callId: "group:standup:alice|dave", sdp: { type: "offer", sdp: "offer d" } });
    await vi.waitFor(() => expect(sentOf(socket, "video-answer").map((m) => [m.target, m.callId])).toEqual([["dave", "group:standup:alice|dave"]]));
    await vi.waitFor(() => expect(group.peers.get("dave")?.connection).toBe("connected"));
  });

  it("ignores pair messages of another id (another room's, a 1:1 call's)", async () => {
    const scripted = await alice(["bob"]);
    await joined(scripted);
    scripted.socket.deliver({ type: "group-call", participants: ["bob", "alice", "dave"] });
    for (const callId of ["group:other:alice|dave", "group:standup:alice|bob", "c-1:1"]) {
      scripted.socket.deliver({ type: "video-offer", ...from("dave"), callId, sdp: { type: "offer", sdp: "x" } });
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(sentOf(scripted.socket, "video-answer")).toEqual([]);
  });

  it("is impolite to a name that sorts higher and polite to one that sorts lower (by code point)", async () => {
    // By code point "Zed" < "alice" < "bob": alice yields to Zed, bob yields to alice.
    const scripted = await alice(["bob", "Zed"]);
    await joined(scripted);
    await vi.waitFor(() => expect(sentOf(scripted.socket, "video-offer")).toHaveLength(2));
    const [toBob, toZed] = FakePeerConnection.instances as [FakePeerConnection, FakePeerConnection];
    // Both sides offer at once (our first offer is still unanswered).
    scripted.socket.deliver({ type: "video-offer", ...from("bob"), callId: "group:standup:alice|bob", sdp: { type: "offer", sdp: "b" } });
    scripted.socket.deliver({ type: "video-offer", ...from("Zed"), callId: "group:standup:Zed|alice", sdp: { type: "offer", sdp: "z" } });
    await vi.waitFor(() => expect(toZed.log).toContain("remote:offer"));
    expect(toZed.log).toContain("rollback"); // alice sorts higher than Zed: polite.
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(toBob.log).not.toContain("remote:offer"); // alice sorts lower than bob: her offer wins.
  });

  it("drops a participant who leaves the call or hangs up on us, at once", async () => {
    const scripted = await alice(["bob", "carol", "dave"]);
    await joined(scripted);
    const pcs = [...FakePeerConnection.instances];
    scripted.socket.deliver({ type: "group-call", participants: ["carol", "dave", "alice"] });
    expect(scripted.events.at(-1)).toBe("peer-left:bob");
    expect(pcs[0]!.signalingState).toBe("closed");
    scripted.socket.deliver({ type: "hang-up", ...from("carol"), callId: "group:standup:alice|carol", reason: "gone" });
    expect(scripted.events.at(-1)).toBe("peer-left:carol");
    expect([...scripted.group.peers.keys()]).toEqual(["dave"]);
    expect(scripted.group.joined).toBe(true);
  });

  it("offers a fresh pair after one failed for good (we joined later); takes the offer of one who did", async () => {
    const scripted = await alice(["bob"], { iceRecovery: { recoveryTimeoutMs: 5 }, repairDelayMs: 1 });
    await joined(scripted);
    const { socket, events } = scripted;
    await vi.waitFor(() => expect(sentOf(socket, "video-offer")).toHaveLength(1));
    socket.deliver({ type: "video-answer", ...from("bob"), callId: "group:standup:alice|bob", sdp: { type: "answer", sdp: "a" } });
    const first = FakePeerConnection.instances[0]!;
    await vi.waitFor(() => expect(first.connectionState).toBe("connected"));
    first.setConnectionState("failed"); // ICE restarts, nobody answers: the pair gives up.
    await vi.waitFor(() => expect(FakePeerConnection.instances).toHaveLength(2));
    expect(sentOf(socket, "hang-up")).toEqual([expect.objectContaining({ target: "bob", reason: "connection-failed" })]);
    expect(events.slice(-2)).toEqual(["peer-left:bob", "peer-joined:bob"]);
    // A fresh connection's first offer.
    await vi.waitFor(() => expect(sentOf(socket, "video-offer").at(-1)?.sdp).toMatchObject({ sdp: expect.stringMatching(/\.1$/) }));

    // dave joined after us: his failed pair is his to offer again.
    socket.deliver({ type: "group-call", participants: ["bob", "alice", "dave"] });
    socket.deliver({ type: "hang-up", ...from("dave"), callId: "group:standup:alice|dave", reason: "connection-failed" });
    expect(events.at(-1)).toBe("peer-left:dave");
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(scripted.group.peers.has("dave")).toBe(false);
    socket.deliver({ type: "video-offer", ...from("dave"), callId: "group:standup:alice|dave", sdp: { type: "offer", sdp: "d2" } });
    expect(events.at(-1)).toBe("peer-joined:dave");
    await vi.waitFor(() => expect(sentOf(socket, "video-answer").at(-1)).toMatchObject({ target: "dave" }));
  });

  it("leave(): hangs up each pair, says group-leave, stops the camera it opened, is available again", async () => {
    const media = fakeStream();
    const scripted = await alice(["bob", "carol"], { localMedia: async () => media.stream });
    await joined(scripted);
    expect(scripted.group.localStream).toBe(media.stream);
    scripted.group.leave();
    expect(scripted.events.slice(-3)).toEqual(["peer-left:bob", "peer-left:carol", "left:left"]);
    expect(sentOf(scripted.socket, "hang-up").map((m) => [m.target, m.callId])).toEqual([
      ["bob", "group:standup:alice|bob"],
      ["carol", "group:standup:alice|carol"],
    ]);
    expect(sentOf(scripted.socket, "group-leave")).toHaveLength(1);
    expect([media.audio.readyState, media.video.readyState]).toEqual(["ended", "ended"]);
    expect(scripted.group.localStream).toBeNull();
    expect(sentOf(scripted.socket, "set-status").map((m) => m.status)).toEqual(["busy", "available"]);
  });

  it("leaves a stream the app handed over running", async () => {
    const media = fakeStream();
    const scripted = await alice(["bob"], { localMedia: media.stream });
    await joined(scripted);
    scripted.group.leave();
    expect([media.audio.readyState, media.video.readyState]).toEqual(["live", "live"]);
  });

  it("stops a camera that opens only after leave(), and never joins", async () => {
    const media = fakeStream();
    let open!: (stream: MediaStream) => void;
    const scripted = await alice(["bob"], { localMedia: () => new Promise<MediaStream>((resolve) => (open = resolve)) });
    const joining = scripted.group.join();
    await vi.waitFor(() => expect(open).toBeTypeOf("function"));
    scripted.group.leave();
    open(media.stream);
    await expect(joining).rejects.toThrow(/leave\(\) came before/);
    expect(media.audio.readyState).toBe("ended");
    expect(sentOf(scripted.socket, "group-join")).toEqual([]);
  });

  it("mutes: track.enabled off, media-state to the partners; a peer's media-state updates its tile", async () => {
    const media = fakeStream();
    const scripted = await alice(["bob"], { localMedia: media.stream });
    await joined(scripted);
    const updates: unknown[] = [];
    scripted.group.on("peer-updated", (peer) => updates.push({ audio: peer.audio, video: peer.video }));
    scripted.group.setMicrophone(false);
    scripted.group.setCamera(false);
    expect([media.audio.enabled, media.video.enabled]).toEqual([false, false]);
    const untargeted = sentOf(scripted.socket, "media-state").filter((m) => m.target === undefined);
    expect(untargeted.map((m) => [m.audio, m.video])).toEqual([
      [false, true],
      [false, false],
    ]);
    scripted.socket.deliver({ type: "media-state", ...from("bob"), target: null, audio: false, video: true });
    expect(scripted.group.peers.get("bob")).toMatchObject({ audio: false, video: true });
    expect(updates).toContainEqual({ audio: false, video: true });
  });

  it("ends the stay at a room switch without messages to the old room; the new room's call is shown", async () => {
    const scripted = await alice(["bob", "carol"]);
    await joined(scripted);
    const { client, socket, group } = scripted;
    const before = socket.sent.length;
    const switching = client.joinRoom("retro");
    socket.ack("join-room", { room: "retro", name: "alice" });
    expect(scripted.events.slice(-3)).toEqual(["peer-left:bob", "peer-left:carol", "left:room-changed"]);
    expect(group.participants).toEqual([]);
    socket.deliver({ type: "userlist", users: ["erin", "alice"], busy: [], legacy: [] });
    socket.deliver({ type: "group-call", participants: ["erin"] });
    expect(await switching).toEqual({ room: "retro", name: "alice" });
    expect(group.participants).toEqual(["erin"]);
    expect(socket.sent.slice(before).map((m) => m.type)).toEqual(["join-room", "set-status"]);
    // Joining the new room's call pairs with its own people under its own ids.
    await joined(scripted);
    await vi.waitFor(() => expect(sentOf(socket, "video-offer").at(-1)).toMatchObject({ target: "erin", callId: "group:retro:alice|erin" }));
  });

  it("a moderator's end-call: every pair's connection closed, the camera it opened stopped, no messages, available again", async () => {
    const media = fakeStream();
    const scripted = await alice(["bob", "carol"], { localMedia: async () => media.stream });
    await joined(scripted);
    const { socket, group } = scripted;
    const connections = [...FakePeerConnection.instances];
    expect(connections).toHaveLength(2);
    const before = socket.sent.length;
    socket.deliver({ type: "moderated", action: "end-call", by: "bob" });
    expect(scripted.events.slice(-3)).toEqual(["peer-left:bob", "peer-left:carol", "left:ended-by-moderator"]);
    expect(connections.map((pc) => pc.connectionState)).toEqual(["closed", "closed"]);
    expect([media.audio.readyState, media.video.readyState]).toEqual(["ended", "ended"]);
    expect(group.joined).toBe(false);
    // The server took us out already: no hang-up, no group-leave; only our status back to available.
    expect(socket.sent.slice(before).map((m) => m.type)).toEqual(["set-status"]);
    socket.deliver({ type: "group-call", participants: [] });
    expect(socket.sent.slice(before).map((m) => m.type)).toEqual(["set-status"]);
  });

  it("ends the stay when the client closes", async () => {
    const scripted = await alice(["bob"]);
    await joined(scripted);
    scripted.client.close();
    expect(scripted.events.slice(-2)).toEqual(["peer-left:bob", "left:signaling-lost"]);
  });

  describe("across reconnects", () => {
    /** Drops alice's socket and answers the next hello: resumed, or fresh (then the login again, as `name`). */
    const reconnect = async (resumed: boolean, name = "alice") => {
      const dropped = FakeSocket.last!;
      dropped.onclose?.({ code: 1006, reason: "" });
      await vi.waitFor(() => expect(FakeSocket.last).not.toBe(dropped));
      const socket = FakeSocket.last!;
      socket.open();
      expect(sentOf(socket, "hello")[0]).toMatchObject({ room: "standup", resume: expect.any(String) });
      socket.welcome({ room: "standup", resumed, resumeToken: "t" });
      if (!resumed) {
        await vi.waitFor(() => expect(sentOf(socket, "username")).toHaveLength(1));
        socket.ack("username", { name });
      }
      return socket;
    };
    const reconnecting = () => alice(["bob"], {}, { reconnect: { nextRetryDelayMs: () => 1 } });

    it("keeps the stay over a resumed session, and over a fresh one: group-join again once logged in, the pair kept", async () => {
      const scripted = await reconnecting();
      await joined(scripted);
      const pair = FakePeerConnection.instances.at(-1);
      const resumed = await reconnect(true);
      expect(scripted.group.joined).toBe(true);
      expect(sentOf(resumed, "group-join")).toEqual([]);
      const fresh = await reconnect(false);
      await vi.waitFor(() => expect(sentOf(fresh, "group-join")).toHaveLength(1));
      // The new server's call without bob yet: his pair waits for him.
      fresh.ack("group-join");
      fresh.deliver({ type: "group-call", participants: ["alice"] });
      fresh.deliver({ type: "group-call", participants: ["alice", "bob"] });
      expect(scripted.events).toEqual(["joined", "peer-joined:bob"]);
      expect(FakePeerConnection.instances.at(-1)).toBe(pair);
      // Back: our media state to him again; he joined later, so he restarts ICE, not us.
      expect(sentOf(fresh, "media-state").at(-1)).toEqual({ type: "media-state", target: "bob", audio: true, video: true });
      expect(pair!.restarts).toBe(0);
    });

    it("asks again when the connection drops before the re-join's answer", async () => {
      const scripted = await reconnecting();
      await joined(scripted);
      const fresh = await reconnect(false);
      await vi.waitFor(() => expect(sentOf(fresh, "group-join")).toHaveLength(1));
      const resumed = await reconnect(true);
      await vi.waitFor(() => expect(sentOf(resumed, "group-join")).toHaveLength(1));
      expect(scripted.group.joined).toBe(true);
    });

    it("ends the stay 'signaling-lost' when the fresh login gave us another name", async () => {
      const scripted = await reconnecting();
      await joined(scripted);
      const fresh = await reconnect(false, "alice1");
      expect(scripted.events.slice(-2)).toEqual(["peer-left:bob", "left:signaling-lost"]);
      await vi.waitFor(() => expect(sentOf(fresh, "set-status")).not.toEqual([]));
      expect(sentOf(fresh, "group-join")).toEqual([]);
    });
  });

  it("leaves a call it is listed in without having joined (the join's answer was lost)", async () => {
    const scripted = await alice(["bob"]);
    scripted.socket.deliver({ type: "group-call", participants: ["bob", "alice"] });
    expect(sentOf(scripted.socket, "group-leave")).toHaveLength(1);
    expect(scripted.group.joined).toBe(false);
  });

  it("refuses to join before login and when known full, without asking the server", async () => {
    const scripted = await alice(["bob", "carol", "dave", "erin"]);
    await expect(scripted.group.join()).rejects.toMatchObject({ code: "group-call-full" });
    expect(sentOf(scripted.socket, "group-join")).toEqual([]);
    const loggedOut = new GroupCall(scriptedClient(), { RTCPeerConnection: FakeRTCPeerConnection });
    groups.push(loggedOut);
    await expect(loggedOut.join()).rejects.toThrow(/log in first/);
  });
});
