// Peer messages against server messages, told apart by `from` alone: raw frames fed to the client.
import { SERVER_MESSAGE_TYPES } from "@switchboard/protocol";
import { describe, expect, it } from "vitest";
import { opened, type FakeSocket } from "../../test/support/scripted-socket.js";
import type { SignalingClient } from "./signaling-client.js";
import type { SignalingClientEvents } from "./signaling-types.js";

/** A well-formed instance of every type the server sends, as a peer would forge it. */
function forgeries(pendingRef: string | number): Record<string, Record<string, unknown>> {
  const evilTurn = [{ urls: "turn:attacker.example:3478", username: "u", credential: "p" }];
  return {
    id: { type: "id", id: "forged-session" },
    welcome: {
      type: "welcome", protocol: 1, id: "forged", features: [], limits: { maxMessageBytes: 1 },
      iceServers: evilTurn, resumeToken: "forged-token", ref: pendingRef,
    },
    rejectusername: { type: "rejectusername", name: "someone-else" },
    userlist: { type: "userlist", users: ["ghost"], busy: ["ghost"] },
    "user-joined": { type: "user-joined", users: ["ghost"] },
    "user-left": { type: "user-left", users: ["bob"] },
    "user-status": { type: "user-status", name: "bob", status: "busy" },
    error: { type: "error", code: "internal-error", message: "Your account is suspended: call +1 555 0100", ref: pendingRef },
    ack: { type: "ack", ref: pendingRef, name: "someone-else" },
    message: { type: "message", text: "I am the server", date: 1, seq: 99 },
    history: { type: "history", messages: [{ type: "message", name: "server", text: "lies", date: 1 }] },
    pong: { type: "pong", ref: pendingRef },
    "ice-servers": { type: "ice-servers", iceServers: evilTurn, expiresAt: 1 },
    "group-call": { type: "group-call", participants: ["mallory", "alice"] },
    "room-state": { type: "room-state", locked: true, passwordProtected: true, moderators: ["mallory"] },
    moderated: { type: "moderated", action: "remove", by: "mallory", target: "alice", reason: "forged" },
    "sfu-answer": { type: "sfu-answer", sdp: { type: "answer", sdp: "v=0 forged" }, ref: pendingRef },
    "sfu-offer": { type: "sfu-offer", sdp: { type: "offer", sdp: "v=0 forged" }, streams: [{ mid: "0", name: "bob", source: "camera" }] },
    "sfu-status": { type: "sfu-status", state: "interrupted", epoch: 9, reason: "forged" },
  };
}

/** Everything the client reports to the app, in order. */
function record(client: SignalingClient): { name: string; args: unknown[] }[] {
  const seen: { name: string; args: unknown[] }[] = [];
  const events: (keyof SignalingClientEvents)[] = [
    "state", "welcome", "users", "user-joined", "user-left", "user-status", "chat", "ice-servers",
    "history", "signal", "renamed", "error", "peer-message", "peer-message-invalid", "room", "group-call",
    "identity", "room-state", "moderated", "ended", "sfu-answer", "sfu-offer", "sfu-status",
  ];
  for (const name of events) client.on(name, ((...args: unknown[]) => seen.push({ name, args })) as never);
  return seen;
}

/** The state a forged message could change. */
function snapshot(client: SignalingClient) {
  return {
    state: client.state,
    name: client.name,
    sessionId: client.sessionId,
    welcome: client.welcome,
    iceServers: client.iceServers,
    users: client.users,
    room: client.room,
    groupCall: client.groupCall,
    groupCallMedia: client.groupCallMedia,
    roomState: client.roomState,
    identity: client.identity,
    end: client.end,
  };
}

async function loggedIn(): Promise<{ client: SignalingClient; socket: FakeSocket }> {
  const { client, socket } = await opened();
  socket.deliver({ type: "id", id: "real-session" });
  const login = client.login("alice");
  socket.ack("username", { name: "alice" });
  await login;
  socket.deliver({ type: "userlist", users: ["alice", "bob"], busy: [], legacy: [] });
  return { client, socket };
}

describe("SignalingClient: only the server speaks as the server", () => {
  it("takes no message stamped `from` as the server's, whatever its type: no state change, no server event", async () => {
    const { client, socket } = await loggedIn();
    const request = client.setStatus("busy");
    const pendingRef = socket.sent.at(-1)!.ref as string | number;
    let settled = false;
    request.then(() => (settled = true), () => (settled = true));
    const before = snapshot(client);
    const seen = record(client);

    const forged = forgeries(pendingRef);
    // Every reserved type has a forgery here, so a type the server adds later is tested too.
    expect(Object.keys(forged).sort()).toEqual([...SERVER_MESSAGE_TYPES].sort());
    for (const message of Object.values(forged)) socket.deliver({ ...message, name: "mallory", from: "mallory" });
    await new Promise((resolve) => setTimeout(resolve, 0));

    expect(snapshot(client)).toEqual(before);
    expect(settled).toBe(false); // A forged ack, error or welcome answers no request of ours.
    expect(seen.map((event) => event.name)).toEqual(Array(SERVER_MESSAGE_TYPES.size).fill("peer-message-invalid"));
    expect(seen.map((event) => event.args[0])).toEqual(
      Object.keys(forged).map((type) => expect.objectContaining({ from: "mallory", type })),
    );

    // The real ack still settles the request.
    socket.deliver({ type: "ack", ref: pendingRef });
    await expect(request).resolves.toBeUndefined();
    client.close();
  });

  it("delivers an app-defined message as a peer-message with the stamped sender, never as an error", async () => {
    const { client, socket } = await loggedIn();
    const seen = record(client);
    socket.deliver({ type: "game-move", target: "alice", data: { x: 3, y: 4 }, name: "bob", from: "bob" });
    socket.deliver({ type: "cursor", data: [1, 2], name: "bob", from: "bob" });
    expect(seen).toEqual([
      { name: "peer-message", args: [expect.objectContaining({ type: "game-move", from: "bob", to: "alice", data: { x: 3, y: 4 } })] },
      { name: "peer-message", args: [expect.objectContaining({ type: "cursor", from: "bob", to: null, data: [1, 2] })] },
    ]);
    client.close();
  });

  it("gives call messages to `signal` only when stamped `from`; one without it is not the server's either", async () => {
    const { client, socket } = await loggedIn();
    const seen = record(client);
    socket.deliver({ type: "call-invite", target: "alice", callId: "c1", name: "bob", from: "bob" });
    expect(seen).toEqual([{ name: "signal", args: [expect.objectContaining({ type: "call-invite", from: "bob", callId: "c1" })] }]);
    seen.length = 0;
    // Only the server could have sent this (no `from`), and it never sends call messages itself.
    socket.deliver({ type: "hang-up", target: "alice", name: "bob" });
    expect(seen.map((event) => [event.name, (event.args[0] as { code?: string }).code])).toEqual([["error", "invalid-server-message"]]);
    client.close();
  });

  it("drops a malformed peer message as peer-message-invalid, never an error notice", async () => {
    const { client, socket } = await loggedIn();
    const seen = record(client);
    socket.deliver({ type: "video-offer", target: "alice", name: "bob", from: "bob" }); // No sdp.
    socket.deliver({ type: "call-accept", name: "bob", from: "bob" }); // No callId.
    socket.deliver({ type: "x".repeat(65), name: "bob", from: "bob" }); // Type too long.
    socket.deliver({ type: "hello", protocol: 1, name: "bob", from: "bob" }); // A request the server interprets.
    socket.deliver({ type: "game-move", name: "bob", from: 42 }); // `from` that is not a name.
    socket.deliver({ name: "bob", from: "bob" }); // No type at all.
    expect(seen.map((event) => event.name)).toEqual(Array(6).fill("peer-message-invalid"));
    expect(seen.map((event) => (event.args[0] as { from: unknown }).from)).toEqual(["bob", "bob", "bob", "bob", null, "bob"]);
    client.close();
  });
});

describe("SignalingClient: sending app-defined messages", () => {
  it("sendToPeer() and broadcast() send { type, target?, data } and resolve on the server's ack", async () => {
    const { client, socket } = await loggedIn();
    const toBob = client.sendToPeer("bob", "game-move", { x: 1 });
    const everyone = client.broadcast("cursor");
    const [first, second] = socket.sent.slice(-2);
    expect(first).toEqual({ type: "game-move", target: "bob", data: { x: 1 }, ref: expect.anything() });
    expect(second).toEqual({ type: "cursor", ref: expect.anything() });
    socket.deliver({ type: "ack", ref: first!.ref });
    socket.deliver({ type: "error", code: "rate-limited", message: "slow down", ref: second!.ref });
    await expect(toBob).resolves.toBeUndefined();
    await expect(everyone).rejects.toMatchObject({ source: "server", code: "rate-limited" });
    client.close();
  });

  it("throws a TypeError at once for a type that is not app-defined, and sends nothing", async () => {
    const { client, socket } = await loggedIn();
    const sentBefore = socket.sent.length;
    for (const type of ["error", "ice-servers", "user-left", "video-offer", "hang-up", "hello", "message", "ping", "", "x".repeat(65)]) {
      expect(() => client.sendToPeer("bob", type), type).toThrow(/Not an app-defined message type/);
      expect(() => client.broadcast(type), type).toThrow(/Not an app-defined message type/);
    }
    expect(() => client.sendToPeer("", "game-move")).toThrow(/target must be a user name/);
    expect(socket.sent.length).toBe(sentBefore);
    client.close();
  });
});
