// Calls across signaling outages, over real servers (RTCPeerConnection faked): a server restart
// (fresh sessions, same names), a peer that never comes back, a name taken meanwhile, and the
// TURN credentials and relay policy reaching the peer connection.
import { CallManager, type CallSession } from "@switchboard/client";
import { WebSocket } from "ws";
import { describe, expect, it, vi } from "vitest";
import { FakePeerConnection, FakeRTCPeerConnection } from "./support/fake-peer-connection.js";
import { endsWith, nextIncoming, phone, reaches, type Phone } from "./support/phones.js";
import { nextEvent, restartOnSamePort, serverPerTest, startServer, until } from "./support/server.js";

const TURN = { turnUrls: ["turn:127.0.0.1:3478?transport=udp"], turnSecret: "test-secret" };

const env = serverPerTest(TURN, () => {
  FakePeerConnection.instances.length = 0;
});
const { pool } = env;

async function connectedPair(options = {}): Promise<{ alice: Phone; bob: Phone; outgoing: CallSession; incoming: CallSession }> {
  const alice = await phone(pool, "alice", [], options);
  const bob = await phone(pool, "bob", ["alice"], options);
  await until(alice.client, "users", () => alice.client.user("bob") !== undefined);
  const ringing = nextIncoming(bob.manager);
  const outgoing = alice.manager.call("bob");
  const incoming = await ringing;
  await incoming.accept();
  await Promise.all([reaches(outgoing, "connected"), reaches(incoming, "connected")]);
  return { alice, bob, outgoing, incoming };
}

/** Closes the server (it drains with 1012) and starts a new process's worth on the same port. */
async function restartServer(config = TURN): Promise<void> {
  env.running = await restartOnSamePort(env.running, config);
}

const fakePc = (session: CallSession) => session.call!.peerConnection as unknown as FakePeerConnection;

describe("a call across a dropped connection", () => {
  it("resumes the session: nobody sees a leave, the call and its negotiation carry on", async () => {
    const sockets: WebSocket[] = [];
    class TrackedWebSocket extends WebSocket {
      constructor(url: string, protocols?: string | string[]) {
        super(url, protocols);
        sockets.push(this);
      }
    }
    const client = pool.create({ WebSocket: TrackedWebSocket });
    await client.login("alice");
    const alice: Phone = { client, manager: new CallManager(client, { RTCPeerConnection: FakeRTCPeerConnection }) };
    const bob = await phone(pool, "bob", ["alice"]);
    const ringing = nextIncoming(alice.manager);
    const outgoing = bob.manager.call("alice");
    const incoming = await ringing;
    await incoming.accept();
    await reaches(outgoing, "connected");
    const left: string[] = [];
    bob.client.on("user-left", (name) => left.push(name));

    const resumed = nextEvent(alice.client, "welcome");
    sockets.at(-1)!.terminate(); // No close frame: the server keeps the session for resuming.
    expect((await resumed)[0].resumed).toBe(true);
    await until(alice.client, "state", () => alice.client.state === "open");
    const ended = endsWith(outgoing);
    incoming.hangUp();
    expect(await ended).toBe("remote-hung-up");
    expect(left).toEqual([]);
  });
});

describe("a call across a server restart", () => {
  it("carries on: both log in again under the same names, are busy again, and ICE restart and hang-up work", async () => {
    const { alice, bob, outgoing, incoming } = await connectedPair();
    const aliceBack = nextEvent(alice.client, "welcome", (welcome) => welcome.resumed === false);
    await restartServer();
    await aliceBack;
    await until(alice.client, "users", () => alice.client.user("bob")?.status === "busy");
    await until(bob.client, "users", () => bob.client.user("alice")?.status === "busy");
    expect([alice.client.name, bob.client.name]).toEqual(["alice", "bob"]);
    expect([outgoing.state, incoming.state]).toEqual(["connected", "connected"]);
    expect(alice.manager.current).toBe(outgoing);

    // Renegotiation reaches the peer through the new server.
    const offersBefore = fakePc(incoming).log.filter((entry) => entry === "remote:offer").length;
    outgoing.call!.restartIce();
    await vi.waitFor(() => expect(fakePc(incoming).log.filter((entry) => entry === "remote:offer").length).toBe(offersBefore + 1));

    const ended = endsWith(incoming);
    outgoing.hangUp();
    expect(await ended).toBe("remote-hung-up");
  });

  it("hands the new server's TURN credentials (here: a rotated secret) to the call in progress", async () => {
    const { alice, outgoing } = await connectedPair();
    const before = JSON.stringify(fakePc(outgoing).configuration?.iceServers);
    const fresh = nextEvent(alice.client, "ice-servers");
    await restartServer({ ...TURN, turnSecret: "rotated-secret" });
    const [iceServers] = await fresh;
    expect(fakePc(outgoing).configuration?.iceServers).toEqual(iceServers);
    expect(JSON.stringify(iceServers)).not.toBe(before);
  });

  it("ends 'gone' when the remote user is not back within the grace", async () => {
    const { alice, bob, outgoing } = await connectedPair({ rejoinGraceMs: 200 });
    bob.manager.dispose(); // Bob's app is gone: his client will not come back either.
    const { port } = env.running;
    await env.running.server.close();
    bob.client.close();
    env.running = await startServer(port, TURN);
    const started = Date.now();
    await nextEvent(alice.client, "welcome", (welcome) => welcome.resumed === false);
    expect(await endsWith(outgoing)).toBe("gone");
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
  });

  it("a remote user who was back first keeps the call, and leaving later ends it at once", async () => {
    const { alice, bob, outgoing } = await connectedPair({ rejoinGraceMs: 60_000 });
    await restartServer();
    await until(alice.client, "users", () => alice.client.user("bob")?.status === "busy");
    const started = Date.now();
    bob.client.close();
    expect(await endsWith(outgoing)).toBe("gone");
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it("ends 'signaling-lost' when our name was taken meanwhile", async () => {
    const gate = { open: true };
    // Alice's sockets go nowhere while the gate is shut, so the impostor logs in first.
    class GatedWebSocket extends WebSocket {
      constructor(url: string, protocols?: string | string[]) {
        super(gate.open ? url : "ws://127.0.0.1:1/ws", protocols);
      }
    }
    const client = pool.create({ WebSocket: GatedWebSocket });
    await client.login("alice");
    const alice: Phone = { client, manager: new CallManager(client, { RTCPeerConnection: FakeRTCPeerConnection }) };
    const bob = await phone(pool, "bob", ["alice"]);
    const ringing = nextIncoming(alice.manager);
    const outgoing = bob.manager.call("alice");
    await (await ringing).accept();
    await reaches(outgoing, "connected");

    gate.open = false;
    await restartServer();
    await pool.loggedIn("alice");
    gate.open = true;
    const renamed = nextEvent(alice.client, "renamed");
    const session = alice.manager.current!;
    expect(await endsWith(session)).toBe("signaling-lost");
    expect((await renamed)[0]).toEqual({ requested: "alice", name: "alice1" });
  });

  it("learns that the call ended while it was away: its ICE restart is answered with hang-up", async () => {
    // A cluster's node died under alice and she came back after her partner was told she left.
    await restartServer({ ...TURN, resumeGraceMs: 200 });
    const sockets: WebSocket[] = [];
    const gate = { open: true };
    class GatedWebSocket extends WebSocket {
      constructor(url: string, protocols?: string | string[]) {
        super(gate.open ? url : "ws://127.0.0.1:1/ws", protocols);
        sockets.push(this);
      }
    }
    const client = pool.create({ WebSocket: GatedWebSocket });
    await client.login("alice");
    const alice: Phone = { client, manager: new CallManager(client, { RTCPeerConnection: FakeRTCPeerConnection }) };
    const bob = await phone(pool, "bob", ["alice"]);
    const ringing = nextIncoming(bob.manager);
    const outgoing = alice.manager.call("bob");
    const incoming = await ringing;
    await incoming.accept();
    await Promise.all([reaches(outgoing, "connected"), reaches(incoming, "connected")]);
    gate.open = false;
    sockets.at(-1)!.terminate();
    expect(await endsWith(incoming)).toBe("gone");
    gate.open = true;
    await nextEvent(alice.client, "welcome", (welcome) => welcome.resumed === false);
    await until(alice.client, "users", () => alice.client.user("bob") !== undefined);
    expect(outgoing.active).toBe(true);
    fakePc(outgoing).setConnectionState("failed");
    expect(await endsWith(outgoing)).toBe("remote-hung-up");
  });

  it("a call still ringing ends 'signaling-lost' (its invite went with the old server)", async () => {
    const alice = await phone(pool, "alice");
    const bob = await phone(pool, "bob", ["alice"]);
    const ringing = nextIncoming(bob.manager);
    const outgoing = alice.manager.call("bob");
    const incoming = await ringing;
    await restartServer();
    expect(await endsWith(incoming)).toBe("signaling-lost");
    expect(await endsWith(outgoing)).toBe("signaling-lost");
  });
});

describe("rtcConfiguration", () => {
  it("passes iceTransportPolicy 'relay' through, with the server's TURN credentials", async () => {
    const { outgoing, incoming } = await connectedPair({ rtcConfiguration: { iceTransportPolicy: "relay" } });
    for (const session of [outgoing, incoming]) {
      const configuration = fakePc(session).configuration!;
      expect(configuration.iceTransportPolicy).toBe("relay");
      expect(configuration.iceServers?.[0]).toMatchObject({
        urls: TURN.turnUrls,
        username: expect.stringMatching(/^\d+:(alice|bob)$/),
        credential: expect.any(String),
      });
    }
  });
});
