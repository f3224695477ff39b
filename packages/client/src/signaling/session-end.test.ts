// The ends a client does not reconnect from, against a scripted server: removed by a
// moderator (4403), signed out (4401), a sign-in the server refused.
import { CLOSE_CODES } from "@switchboard/protocol";
import { afterEach, describe, expect, it, vi } from "vitest";
import { FakeSocket, loggedInScripted, scriptedClient } from "../../test/support/scripted-socket.js";
import type { ConnectionState } from "./connection-state.js";
import type { SessionEnd } from "./session-end.js";
import type { SignalingClient } from "./signaling-client.js";

/** Retries at once: a client that reconnected would show a new socket within a millisecond. */
const quickRetry = { nextRetryDelayMs: () => 1 };

const clients: SignalingClient[] = [];
afterEach(() => {
  for (const client of clients.splice(0)) client.close();
});

/** Logged in as `name` in room "standup", recording its ends and states. */
async function loggedIn(name = "carol") {
  const ends: SessionEnd[] = [];
  const states: ConnectionState[] = [];
  const { client, socket } = await loggedInScripted(name, { reconnect: quickRetry }, (client) => {
    clients.push(client);
    client.on("ended", (end) => ends.push(end));
    client.on("state", (state) => states.push(state));
  });
  return { client, socket, ends, states };
}

/** No new socket after a few retry periods. */
async function expectNoReconnect(socket: FakeSocket): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 20));
  expect(FakeSocket.last).toBe(socket);
}

describe("SignalingClient: ends without reconnecting", () => {
  it("removed by a moderator (4403): says by whom and why, closes, fails what waits, never reconnects", async () => {
    const { client, socket, ends, states } = await loggedIn();
    const waiting = client.request({ type: "set-status", status: "busy" });
    socket.deliver({ type: "moderated", action: "remove", by: "ann", target: "carol", reason: "spam" });
    socket.onclose?.({ code: CLOSE_CODES.removed, reason: "removed by a moderator" });
    expect(ends).toEqual([{ kind: "removed", room: "standup", by: "ann", reason: "spam" }]);
    expect(client.end).toEqual(ends[0]);
    expect(client.state).toBe("closed");
    expect(states.at(-1)).toBe("closed");
    await expect(waiting).rejects.toMatchObject({ code: "removed" });
    await expectNoReconnect(socket);
  });

  it("another user's removal is only news: the client stays", async () => {
    const { client, socket, ends } = await loggedIn();
    const heard: unknown[] = [];
    client.on("moderated", (event) => heard.push(event));
    socket.deliver({ type: "moderated", action: "remove", by: "ann", target: "bob", reason: "spam" });
    expect(heard).toEqual([{ action: "remove", by: "ann", target: "bob", reason: "spam" }]);
    socket.onclose?.({ code: 1006, reason: "" });
    await vi.waitFor(() => expect(FakeSocket.last).not.toBe(socket));
    expect(ends).toEqual([]);
    expect(client.state).toBe("reconnecting");
  });

  it("signed out (4401, a token that ran out): closes for good", async () => {
    const { client, socket, ends } = await loggedIn();
    socket.onclose?.({ code: CLOSE_CODES.signInRequired, reason: "token expired" });
    expect(ends).toEqual([{ kind: "sign-in-required", detail: "token expired" }]);
    expect(client.state).toBe("closed");
    await expectNoReconnect(socket);
  });

  it("a refused sign-in in hello: connect() and login() reject with the server's code, no retry", async () => {
    const client = scriptedClient({ reconnect: quickRetry });
    clients.push(client);
    const ends: SessionEnd[] = [];
    client.on("ended", (end) => ends.push(end));
    const connected = client.connect();
    const login = client.login("mallory");
    const socket = FakeSocket.last!;
    socket.open();
    socket.deliver({ type: "error", code: "auth-required", message: "token needed", ref: socket.sent[0]!.ref });
    await expect(connected).rejects.toMatchObject({ source: "server", code: "auth-required" });
    await expect(login).rejects.toMatchObject({ source: "server", code: "auth-required" });
    expect(ends).toMatchObject([{ kind: "sign-in-refused", error: { code: "auth-required" } }]);
    expect(client.state).toBe("closed");
    await expectNoReconnect(socket);
  });

  it("a refused login (bad-password) rejects login() and leaves the client open for another try", async () => {
    const client = scriptedClient({ room: "vault", password: "wrong", reconnect: quickRetry });
    clients.push(client);
    const login = client.login("dave");
    const socket = FakeSocket.last!;
    socket.open();
    expect(socket.sent[0]).toMatchObject({ type: "hello", room: "vault", password: "wrong" });
    socket.welcome({ room: "vault" });
    await vi.waitFor(() => expect(socket.sent.some((m) => m.type === "username")).toBe(true));
    socket.deliver({ type: "error", code: "bad-password", message: "no", ref: socket.sent.at(-1)!.ref });
    await expect(login).rejects.toMatchObject({ code: "bad-password" });
    expect(client.state).toBe("open");
    expect(client.end).toBeNull();
  });

  it("a fresh session whose re-login is refused (the room locked meanwhile) ends, instead of retrying forever", async () => {
    const { client, socket, ends } = await loggedIn();
    socket.onclose?.({ code: 1006, reason: "" });
    await vi.waitFor(() => expect(FakeSocket.last).not.toBe(socket));
    const next = FakeSocket.last!;
    next.open();
    next.welcome({ room: "standup", resumed: false });
    await vi.waitFor(() => expect(next.sent.some((m) => m.type === "username")).toBe(true));
    next.deliver({ type: "error", code: "room-locked", message: "locked", ref: next.sent.at(-1)!.ref });
    await vi.waitFor(() => expect(client.state).toBe("closed"));
    expect(ends).toMatchObject([{ kind: "sign-in-refused", error: { code: "room-locked" } }]);
    await expectNoReconnect(next);
  });
});
