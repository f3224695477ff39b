// The moderation API against a scripted server: who moderates (room-state), the requests and
// their answers, room passwords in hello and join-room.
import { afterEach, describe, expect, it, vi } from "vitest";
import { FakeSocket, loggedInScripted, scriptedClient } from "../../test/support/scripted-socket.js";
import type { SignalingClient } from "../signaling/signaling-client.js";
import type { RoomState } from "../signaling/signaling-types.js";

const clients: SignalingClient[] = [];
afterEach(() => {
  for (const client of clients.splice(0)) client.close();
});

async function loggedIn(name: string, options = {}) {
  const logged = await loggedInScripted(name, { reconnect: { nextRetryDelayMs: () => 1 }, ...options }, (client) => clients.push(client));
  return logged;
}

const lastSent = (socket: FakeSocket) => socket.sent.at(-1)!;

describe("SignalingClient.moderation (scripted server)", () => {
  it("knows who moderates from the last room-state; a room switch forgets it until the new room's", async () => {
    const { client, socket } = await loggedIn("ann");
    const states: RoomState[] = [];
    client.on("room-state", (state) => states.push(state));
    expect(client.moderation.isModerator).toBe(false);
    socket.deliver({ type: "room-state", locked: false, passwordProtected: false, moderators: ["ann"] });
    expect(client.moderation.isModerator).toBe(true);
    expect(client.moderation.moderators).toEqual(["ann"]);
    // The role passes on.
    socket.deliver({ type: "room-state", locked: true, passwordProtected: false, moderators: ["bob"] });
    expect(client.moderation.isModerator).toBe(false);
    expect(client.roomState).toEqual({ locked: true, passwordProtected: false, moderators: ["bob"] });
    expect(states.map((s) => s.moderators)).toEqual([["ann"], ["bob"]]);

    const switching = client.joinRoom("retro");
    socket.ack("join-room", { room: "retro", name: "ann" });
    await switching;
    expect(client.roomState).toBeNull();
    expect(client.moderation.moderators).toEqual([]);
  });

  it("sends each action as `moderate`, resolves on the ack, rejects with the server's code", async () => {
    const { client, socket } = await loggedIn("ann");
    const actions: [() => Promise<void>, Record<string, unknown>][] = [
      [() => client.moderation.remove("bob", "spam"), { action: "remove", target: "bob", reason: "spam" }],
      [() => client.moderation.askToMute("bob"), { action: "mute", target: "bob" }],
      [() => client.moderation.lock(), { action: "lock" }],
      [() => client.moderation.unlock(), { action: "unlock" }],
      [() => client.moderation.endCall(), { action: "end-call" }],
      [() => client.moderation.setPassword(null), { action: "set-password", password: null }],
    ];
    for (const [act, expected] of actions) {
      const done = act();
      expect(lastSent(socket)).toEqual({ type: "moderate", ...expected, ref: expect.anything() });
      socket.ack("moderate");
      await expect(done).resolves.toBeUndefined();
    }
    const refused = client.moderation.lock();
    socket.deliver({ type: "error", code: "not-moderator", message: "no", ref: lastSent(socket).ref });
    await expect(refused).rejects.toMatchObject({ source: "server", code: "not-moderator" });
  });

  it("a password we set goes in the hello of a later reconnect; join-room carries one too", async () => {
    const { client, socket } = await loggedIn("ann");
    const set = client.moderation.setPassword("s3cret");
    socket.ack("moderate");
    await set;
    socket.onclose?.({ code: 1006, reason: "" });
    await vi.waitFor(() => expect(FakeSocket.last).not.toBe(socket));
    const next = FakeSocket.last!;
    next.open();
    expect(next.sent[0]).toMatchObject({ type: "hello", room: "standup", password: "s3cret" });
    next.welcome({ room: "standup", resumed: true });
    await vi.waitFor(() => expect(client.state).toBe("open"));

    const switching = client.joinRoom("vault", { password: "v4ult" });
    expect(lastSent(next)).toMatchObject({ type: "join-room", room: "vault", password: "v4ult" });
    next.ack("join-room", { room: "vault", name: "ann" });
    await switching;
    // A room switch without a password sends none.
    const back = client.joinRoom("standup");
    expect(lastSent(next)).not.toHaveProperty("password");
    next.ack("join-room", { room: "standup", name: "ann" });
    await back;
  });
});
