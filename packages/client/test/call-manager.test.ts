// CallManager over the real server, two and three users, RTCPeerConnection faked (see
// support/fake-peer-connection.ts). Real media, ICE and glare in Chromium: the e2e suite.
import { CallManager, type CallSession } from "@switchboard/client";
import { describe, expect, it } from "vitest";
import { FakePeerConnection, FakeRTCPeerConnection } from "./support/fake-peer-connection.js";
import { ArticleClient, endsWith, nextIncoming, phone, reaches, type Phone } from "./support/phones.js";
import { nextEvent, serverPerTest, until } from "./support/server.js";

const articleClients: ArticleClient[] = [];

const env = serverPerTest({}, () => {
  for (const client of articleClients.splice(0)) client.close();
  FakePeerConnection.instances.length = 0;
});
const { pool } = env;

async function twoPhones(options = {}): Promise<[Phone, Phone]> {
  const alice = await phone(pool, "alice", [], options);
  const bob = await phone(pool, "bob", ["alice"], options);
  await until(alice.client, "users", () => alice.client.user("bob") !== undefined);
  return [alice, bob];
}

async function connectedCall(alice: Phone, bob: Phone): Promise<[CallSession, CallSession]> {
  const ringing = nextIncoming(bob.manager);
  const outgoing = alice.manager.call("bob");
  const incoming = await ringing;
  await incoming.accept();
  await Promise.all([reaches(outgoing, "connected"), reaches(incoming, "connected")]);
  return [outgoing, incoming];
}

describe("CallManager", () => {
  it("rings, is accepted, negotiates and connects; both are busy meanwhile and available after", async () => {
    const [alice, bob] = await twoPhones();
    const ringing = nextIncoming(bob.manager);
    const outgoing = alice.manager.call("bob");
    expect(outgoing.state).toBe("outgoing-ringing");
    const incoming = await ringing;
    expect(incoming).toMatchObject({ remote: "alice", direction: "incoming", legacy: false, state: "incoming-ringing", id: outgoing.id });
    expect(incoming.media).toEqual({ audio: true, video: true });

    await incoming.accept();
    await Promise.all([reaches(outgoing, "connected"), reaches(incoming, "connected")]);
    expect(await outgoing.getStats()).toMatchObject({ roundTripTimeMs: 12 });
    await until(alice.client, "user-status", () => alice.client.user("bob")?.status === "busy");

    const ended = endsWith(incoming);
    outgoing.hangUp();
    expect(await ended).toBe("remote-hung-up");
    expect(outgoing.endReason).toBe("hung-up");
    expect(alice.manager.current).toBeNull();
    expect(bob.manager.current).toBeNull();
    await until(alice.client, "user-status", () => alice.client.user("bob")?.status === "available");
  });

  it("tells the caller when the callee declines", async () => {
    const [alice, bob] = await twoPhones();
    const ringing = nextIncoming(bob.manager);
    const outgoing = alice.manager.call("bob");
    (await ringing).decline();
    expect(await endsWith(outgoing)).toBe("declined");
  });

  it("auto-declines with busy when the callee is already in a call", async () => {
    const [alice, bob] = await twoPhones();
    await connectedCall(alice, bob);
    const carol = await phone(pool, "carol", ["bob"]);
    const attempt = carol.manager.call("bob");
    expect(await endsWith(attempt)).toBe("busy");
    expect(bob.manager.current?.remote).toBe("alice");
  });

  it("stops the callee's ringing when the caller cancels", async () => {
    const [alice, bob] = await twoPhones();
    const ringing = nextIncoming(bob.manager);
    const outgoing = alice.manager.call("bob");
    const incoming = await ringing;
    outgoing.cancel();
    expect(await endsWith(incoming)).toBe("cancelled");
    expect(outgoing.endReason).toBe("cancelled");
    await expect(incoming.accept()).rejects.toThrow(/ended/);
  });

  it("sends hang-up to the other side only", async () => {
    const [alice, bob] = await twoPhones();
    const carol = await phone(pool, "carol", ["alice", "bob"]);
    const carolSignals: string[] = [];
    carol.client.on("signal", (message) => carolSignals.push(message.type));
    const [, incoming] = await connectedCall(alice, bob);
    const ended = endsWith(incoming);
    alice.manager.current!.hangUp();
    await ended;
    // A public chat after the hang-up: once carol has it, she would have had a stray hang-up.
    const chat = new Promise((resolve) => carol.client.on("chat", resolve));
    await alice.client.chat("after");
    await chat;
    expect(carolSignals).toEqual([]);
  });

  it("ends the call at once when the other user disconnects", async () => {
    const [alice, bob] = await twoPhones();
    const [outgoing] = await connectedCall(alice, bob);
    const started = Date.now();
    const ended = endsWith(outgoing);
    bob.client.close();
    expect(await ended).toBe("gone");
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it("a side whose media connection failed says so in its hang-up", async () => {
    const [alice, bob] = await twoPhones();
    const [outgoing, incoming] = await connectedCall(alice, bob);
    const ended = endsWith(incoming);
    outgoing.call!.end("connection-failed"); // As ICE recovery does when it gives up.
    expect(outgoing.endReason).toBe("connection-failed");
    expect(await ended).toBe("connection-failed");
  });

  it("ends unanswered calls with no-answer after the ring timeout", async () => {
    const [alice] = await twoPhones({ ringTimeoutMs: 50 });
    expect(await endsWith(alice.manager.call("bob"))).toBe("no-answer");
  });

  it("ends with unavailable when the callee is not online", async () => {
    const alice = await phone(pool, "alice");
    expect(await endsWith(alice.manager.call("nobody"))).toBe("unavailable");
  });

  it("refuses a second call, calling oneself, and calling before login", async () => {
    const [alice] = await twoPhones();
    expect(() => alice.manager.call("alice")).toThrow(/yourself/);
    alice.manager.call("bob");
    expect(() => alice.manager.call("bob")).toThrow(/already in a call/);
    const loggedOut = new CallManager(pool.create(), { RTCPeerConnection: FakeRTCPeerConnection });
    expect(() => loggedOut.call("bob")).toThrow(/log in first/);
  });

  it("when both call each other at once, one call results and both connect", async () => {
    const [alice, bob] = await twoPhones();
    const fromAlice = alice.manager.call("bob");
    const fromBob = bob.manager.call("alice");
    await Promise.all([reaches(fromAlice, "connected"), reaches(fromBob, "connected")]);
    expect(fromAlice.id).toBe(fromBob.id);
    expect(fromAlice.call!.polite).not.toBe(fromBob.call!.polite);
  });

  it("works receive-only on both sides (no local media)", async () => {
    const [alice, bob] = await twoPhones({ localMedia: null });
    const [outgoing, incoming] = await connectedCall(alice, bob);
    const callerPc = outgoing.call!.peerConnection as unknown as FakePeerConnection;
    const calleePc = incoming.call!.peerConnection as unknown as FakePeerConnection;
    expect(callerPc.transceivers.map((t) => `${t.kind}:${t.direction}`)).toEqual(["audio:recvonly", "video:recvonly"]);
    expect(calleePc.tracks).toEqual([]);
  });

  it("a failing getLocalStream makes the call receive-only and reports the error", async () => {
    const failing = () => Promise.reject(new Error("NotAllowedError"));
    const [alice, bob] = await twoPhones({ localMedia: failing });
    const errors: unknown[] = [];
    alice.manager.on("error", (error) => errors.push(error));
    await connectedCall(alice, bob);
    expect(errors).toHaveLength(1);
  });
});

describe("CallManager with an article client", () => {
  async function withArticleClient(): Promise<[Phone, ArticleClient]> {
    const article = await ArticleClient.login(env.running.wsUrl, "arthur");
    articleClients.push(article);
    const alice = await phone(pool, "alice", ["arthur"]);
    expect(alice.client.user("arthur")?.legacy).toBe(true);
    return [alice, article];
  }

  it("calling one skips ringing: the offer goes out at once, the article's answer connects", async () => {
    const [alice, arthur] = await withArticleClient();
    const session = alice.manager.call("arthur");
    expect(session.state).toBe("connecting");
    const offer = await arthur.next((m) => m.type === "video-offer");
    expect(offer).toMatchObject({ name: "alice", target: "arthur", sdp: { type: "offer", sdp: expect.any(String) } });
    expect(offer.callId).toBeUndefined();
    arthur.send({ type: "video-answer", name: "arthur", target: "alice", sdp: { type: "answer", sdp: "answer arthur" } });
    await reaches(session, "connected");
    expect(arthur.received.some((m) => m.type === "call-invite")).toBe(false);

    // The article client's hang-up: no callId, matched by name.
    const ended = endsWith(session);
    arthur.send({ type: "hang-up", name: "arthur", target: "alice" });
    expect(await ended).toBe("remote-hung-up");
  });

  it("an offer with no invite rings as an incoming call; accept answers it, early candidates included", async () => {
    const [alice, arthur] = await withArticleClient();
    const ringing = nextIncoming(alice.manager);
    const candidateArrived = nextEvent(alice.client, "signal", (m) => m.type === "new-ice-candidate");
    arthur.send({ type: "video-offer", name: "arthur", target: "alice", sdp: { type: "offer", sdp: "offer arthur" } });
    arthur.send({ type: "new-ice-candidate", target: "alice", candidate: { candidate: "candidate:1 1 udp 1 10.0.0.9 9 typ host", sdpMid: "0", sdpMLineIndex: 0 } });
    const incoming = await ringing;
    expect(incoming).toMatchObject({ remote: "arthur", legacy: true, state: "incoming-ringing" });
    await candidateArrived; // Before accept: it must wait for the offer to be applied.
    await incoming.accept();
    const answer = await arthur.next((m) => m.type === "video-answer");
    expect(answer).toMatchObject({ name: "alice", target: "arthur", sdp: { type: "answer" } });
    await reaches(incoming, "connected");
    expect((incoming.call!.peerConnection as unknown as FakePeerConnection).addedCandidates).toHaveLength(1);
  });

  it("declining an article client's call sends it a hang-up", async () => {
    const [alice, arthur] = await withArticleClient();
    const ringing = nextIncoming(alice.manager);
    arthur.send({ type: "video-offer", name: "arthur", target: "alice", sdp: { type: "offer", sdp: "offer arthur" } });
    (await ringing).decline();
    expect(await arthur.next((m) => m.type === "hang-up")).toMatchObject({ name: "alice", target: "arthur" });
  });
});
