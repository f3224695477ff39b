// The client against a scripted in-memory socket: the cases a real server will not produce.
import { CLOSE_CODES } from "@switchboard/protocol";
import { describe, expect, it, vi } from "vitest";
import type { ConnectionState } from "./connection-state.js";
import { DEFAULT_BACKOFF, ExponentialBackoff } from "./backoff.js";
import { SignalingClient } from "./signaling-client.js";
import type { SignalingError } from "./signaling-error.js";
import { FakeSocket, opened, scriptedClient as client } from "../../test/support/scripted-socket.js";

describe("SignalingClient (scripted socket)", () => {
  it("rejects bad options at construction", () => {
    expect(() => new SignalingClient({ url: "http://x/ws", WebSocket: FakeSocket })).toThrow(TypeError);
    expect(() => new SignalingClient({ WebSocket: FakeSocket })).toThrow(/no `url`/);
  });

  it("queues requests until the handshake is done, then sends them after hello", async () => {
    const c = client();
    void c.connect();
    const socket = FakeSocket.last!;
    const status = c.setStatus("busy");
    socket.open();
    expect(socket.sent.map((m) => m.type)).toEqual(["hello"]);
    socket.welcome();
    await c.connect();
    expect(socket.sent.map((m) => m.type)).toEqual(["hello", "set-status"]);
    socket.deliver({ type: "ack", ref: socket.sent[1]!.ref });
    await expect(status).resolves.toBeUndefined();
    c.close();
  });

  it("times out a request the server never answers", async () => {
    const { client: c } = await opened({ requestTimeoutMs: 5 });
    await expect(c.request({ type: "set-status", status: "busy" })).rejects.toMatchObject({ source: "client", code: "timeout" });
    c.close();
  });

  it("reports invalid frames as error events and never throws them", async () => {
    const { client: c, socket } = await opened();
    const errors: SignalingError[] = [];
    c.on("error", (error) => errors.push(error));
    expect(() => {
      socket.deliver("not json");
      socket.deliver({ type: "user-joined", users: "nope" });
      socket.deliver({ type: "surprise" });
      socket.deliver({ type: "hang-up" }); // No sender name.
    }).not.toThrow();
    expect(errors.map((e) => e.code)).toEqual(Array(4).fill("invalid-server-message"));
    c.close();
  });

  it("fails requests in flight with connection-lost when the socket drops", async () => {
    const { client: c, socket } = await opened();
    const request = c.request({ type: "set-status", status: "busy" });
    socket.onclose?.({ code: 1006, reason: "" });
    await expect(request).rejects.toMatchObject({ code: "connection-lost" });
    expect(c.state).toBe("closed"); // reconnect: false
  });

  it("stops for good, without reconnecting, when another connection took the session over (4001)", async () => {
    const { client: c, socket } = await opened({ reconnect: { nextRetryDelayMs: () => 1 } });
    const errors: SignalingError[] = [];
    c.on("error", (error) => errors.push(error));
    socket.onclose?.({ code: CLOSE_CODES.sessionReplaced, reason: "session resumed on another connection" });
    expect(c.state).toBe("closed");
    expect(errors.map((e) => e.code)).toEqual(["session-replaced"]);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(FakeSocket.last).toBe(socket);
  });

  it("closes for good when the server does not speak our protocol version", async () => {
    const c = client({ reconnect: { nextRetryDelayMs: () => 1 } });
    const connected = c.connect();
    const socket = FakeSocket.last!;
    socket.open();
    socket.deliver({ type: "error", code: "unsupported-protocol", message: "no", ref: socket.sent[0]!.ref });
    await expect(connected).rejects.toMatchObject({ code: "closed" });
    expect(c.state).toBe("closed");
  });

  it("emits server errors without a waiting request as error events", async () => {
    const { client: c, socket } = await opened();
    const errors: SignalingError[] = [];
    c.on("error", (error) => errors.push(error));
    socket.deliver({ type: "error", code: "no-call", message: "nope" });
    socket.deliver({ type: "error", code: "internal-error", message: "late", ref: "r999" });
    expect(errors.map((e) => [e.source, e.code])).toEqual([
      ["server", "no-call"],
      ["server", "internal-error"],
    ]);
    c.close();
  });

  it("takes ICE servers from the welcome and replaces them with each ice-servers message", async () => {
    const { client: c, socket } = await opened();
    expect(c.iceServers).toEqual([]);
    const updates: unknown[] = [];
    c.on("ice-servers", (servers, expiresAt) => updates.push([servers, expiresAt]));
    const turn = [{ urls: "turn:turn.example:3478", username: "u", credential: "p" }];
    socket.deliver({ type: "ice-servers", iceServers: turn, expiresAt: 123 });
    expect(c.iceServers).toEqual(turn);
    expect(updates).toEqual([[turn, 123]]);
    c.close();
  });

  it("asks to resume the dropped session with the count of frames received, and skips re-login when resumed", async () => {
    const c = client({ reconnect: { nextRetryDelayMs: () => 1 } });
    const login = c.login("Naomi");
    const first = FakeSocket.last!;
    first.open();
    first.welcome({ resumeToken: "t1" });
    await waitFor(() => first.sent.some((m) => m.type === "username"));
    first.ack("username", { name: "Naomi" });
    await login;
    first.deliver({ type: "userlist", users: ["Naomi"] });
    first.deliver({ type: "pong" });
    first.deliver("garbage counts too"); // With the login ack: 4 frames after the welcome.

    const reopened = waitForState(c, "open");
    first.onclose?.({ code: 1006, reason: "" });
    await waitFor(() => FakeSocket.last !== first);
    const second = FakeSocket.last!;
    second.open();
    expect(second.sent[0]).toMatchObject({ type: "hello", resume: "t1", received: 4 });
    second.welcome({ resumed: true, resumeToken: "t2" });
    await reopened;
    expect(second.sent.map((m) => m.type)).toEqual(["hello"]); // No second login.
    expect(c.name).toBe("Naomi");

    // Replayed and new frames continue the count; a fresh (non-resumed) session restarts it.
    second.deliver({ type: "pong" });
    const third = await reconnectOnce(c, second);
    third.open();
    expect(third.sent[0]).toMatchObject({ resume: "t2", received: 5 });
    third.welcome({ resumed: false });
    await waitFor(() => third.sent.some((m) => m.type === "username"));
    expect(third.sent[1]).toMatchObject({ type: "username", name: "Naomi" });
    c.close();
  });

  it("reconnects within the first backoff step when the server restarts (close 1012)", async () => {
    // Fake timers: the clock of a shared, noisy machine is no measure of the delay.
    vi.useFakeTimers();
    try {
      const { client: c, socket } = await opened({ reconnect: new ExponentialBackoff() });
      socket.onclose?.({ code: 1012, reason: "server restarting" });
      expect(c.state).toBe("reconnecting");
      vi.advanceTimersByTime(DEFAULT_BACKOFF.initialDelayMs);
      expect(FakeSocket.last).not.toBe(socket);
      c.close();
    } finally {
      vi.useRealTimers();
    }
  });

  it("pings at the server's heartbeat interval and reconnects when nothing comes back", async () => {
    const c = client({ reconnect: { nextRetryDelayMs: () => 1 } });
    const connected = c.connect();
    const reconnecting = waitForState(c, "reconnecting");
    const socket = FakeSocket.last!;
    socket.open();
    socket.welcome({}, { heartbeatIntervalMs: 10 });
    await connected;
    await reconnecting;
    expect(socket.sent.find((m) => m.type === "ping")).toMatchObject({ received: 0 });
    // 4000, not 1000: the server keeps the session for the resume that follows.
    expect(socket.closeCode).toBe(CLOSE_CODES.reconnecting);
    c.close();
  });

  it("closes with 1000 when the user closes it: the server ends the session", async () => {
    const c = client();
    const connected = c.connect();
    const socket = FakeSocket.last!;
    socket.open();
    socket.welcome();
    await connected;
    c.close();
    expect(socket.closeCode).toBe(CLOSE_CODES.normalClosure);
  });
});

function waitForState(c: SignalingClient, wanted: ConnectionState): Promise<void> {
  return new Promise((resolve) => {
    const dispose = c.on("state", (state) => {
      if (state !== wanted) return;
      dispose();
      resolve();
    });
  });
}

async function waitFor(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 1));
}

async function reconnectOnce(c: SignalingClient, socket: FakeSocket): Promise<FakeSocket> {
  socket.onclose?.({ code: 1006, reason: "" });
  await waitFor(() => FakeSocket.last !== socket);
  void c;
  return FakeSocket.last!;
}
