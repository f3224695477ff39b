// SignalingClient's rooms against a scripted socket: the room in hello, the welcome's room, and
// join-room with presence reset and rebuilt, in either order of ack and snapshot.
import { afterEach, describe, expect, it, vi } from "vitest";
import { FakeSocket, scriptedClient } from "../../test/support/scripted-socket.js";
import type { SignalingClient } from "./signaling-client.js";

const clients: SignalingClient[] = [];
afterEach(() => {
  for (const client of clients.splice(0)) client.close();
});

async function inRoom(room: string, options = {}) {
  const client = scriptedClient({ room, ...options });
  clients.push(client);
  const rooms: string[] = [];
  const presence: string[] = [];
  client.on("room", (name) => rooms.push(name));
  client.on("user-joined", (user) => presence.push(`+${user.name}`));
  client.on("user-left", (name) => presence.push(`-${name}`));
  const connected = client.connect();
  const socket = FakeSocket.last!;
  socket.open();
  expect(socket.sent[0]).toMatchObject({ type: "hello", room });
  socket.welcome({ room: room.toUpperCase(), resumeToken: "t1" });
  await connected;
  const login = client.login("alice");
  socket.ack("username", { name: "alice" });
  await login;
  socket.deliver({ type: "userlist", users: ["alice", "sam"], busy: [], legacy: [] });
  socket.deliver({ type: "group-call", participants: ["sam"] });
  return { client, socket, rooms, presence };
}

describe("SignalingClient rooms (scripted socket)", () => {
  it("asks for its room in hello and takes the server's spelling from the welcome", async () => {
    const { client, rooms } = await inRoom("red");
    expect(client.room).toBe("RED");
    expect(rooms).toEqual(["RED"]);
    expect(client.groupCall).toEqual(["sam"]);
  });

  it("joinRoom: the ack first resets presence (the old sam leaves), the snapshot rebuilds it (the new sam joins)", async () => {
    const { client, socket, rooms, presence } = await inRoom("red");
    presence.length = 0;
    const switching = client.joinRoom("blue");
    expect(socket.sent.at(-1)).toMatchObject({ type: "join-room", room: "blue" });
    // Ack and snapshot in one go, before the promise can settle.
    socket.ack("join-room", { room: "Blue", name: "alice" });
    expect(client.users).toEqual([]);
    expect(client.groupCall).toEqual([]);
    socket.deliver({ type: "userlist", users: ["sam", "alice"], busy: ["sam"], legacy: [] });
    expect(await switching).toEqual({ room: "Blue", name: "alice" });
    expect(rooms).toEqual(["RED", "Blue"]);
    expect(presence).toEqual(["-alice", "-sam", "+sam", "+alice"]);
    expect(client.user("sam")?.status).toBe("busy");
  });

  it("joinRoom: a snapshot before the ack is taken as the new room's all the same", async () => {
    const { client, socket, presence } = await inRoom("red");
    presence.length = 0;
    const switching = client.joinRoom("blue");
    socket.deliver({ type: "userlist", users: ["sam", "alice"], busy: [], legacy: [] });
    socket.ack("join-room", { room: "blue", name: "alice" });
    await switching;
    expect(presence).toEqual(["-alice", "-sam", "+sam", "+alice"]);
    expect(client.users.map((user) => user.name)).toEqual(["sam", "alice"]);
  });

  it("joinRoom to the room we are in changes nothing (the server sends no snapshot)", async () => {
    const { client, socket, rooms, presence } = await inRoom("red");
    presence.length = 0;
    const switching = client.joinRoom("red");
    socket.ack("join-room", { room: "RED", name: "alice" });
    await switching;
    expect(rooms).toEqual(["RED"]);
    expect(presence).toEqual([]);
    expect(client.users.map((user) => user.name)).toEqual(["alice", "sam"]);
  });

  it("takes the new room's name for us (renamed), and a refused switch changes nothing", async () => {
    const { client, socket } = await inRoom("red");
    const renamed: unknown[] = [];
    client.on("renamed", (event) => renamed.push(event));
    const refused = client.joinRoom("b@d");
    socket.deliver({ type: "error", code: "bad-room", message: "no", ref: socket.sent.at(-1)!.ref });
    await expect(refused).rejects.toMatchObject({ code: "bad-room" });
    expect(client.users.map((user) => user.name)).toEqual(["alice", "sam"]);
    const switching = client.joinRoom("blue");
    socket.ack("join-room", { room: "blue", name: "alice1" });
    expect(await switching).toEqual({ room: "blue", name: "alice1" });
    expect(client.name).toBe("alice1");
    expect(renamed).toEqual([{ requested: "alice", name: "alice1" }]);
  });

  it("reconnects into the room it is in now, not the one it started in", async () => {
    const { client, socket } = await inRoom("red", { reconnect: { nextRetryDelayMs: () => 1 } });
    const switching = client.joinRoom("blue");
    socket.ack("join-room", { room: "Blue", name: "alice" });
    await switching;
    socket.onclose?.({ code: 1006, reason: "" });
    await vi.waitFor(() => expect(FakeSocket.last).not.toBe(socket));
    FakeSocket.last!.open();
    expect(FakeSocket.last!.sent[0]).toMatchObject({ type: "hello", room: "Blue", resume: "t1" });
  });
});
