// Issue 5, points 1-3: heartbeats, resuming a dropped session, draining on shutdown.
import { CLOSE_CODES } from "@switchboard/protocol";
import { describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { TestClient } from "./support/test-client.js";
import { useServer } from "./support/fixture.js";

const running = useServer();

/** Messages received after the session's (first) welcome: what the client counts for resuming. */
function countedSinceWelcome(client: TestClient): number {
  const welcome = client.received.findIndex((m) => m.type === "welcome");
  return client.received.length - welcome - 1;
}

describe("heartbeat", () => {
  it("finds a connection that stopped answering pings and drops its user", async () => {
    await running.start({ heartbeatTimeoutMs: 1000 });
    const watcher = await running.legacy("Watcher");
    // autoPong off: the socket stays open but never answers, like a peer that vanished.
    const silent = new WebSocket(running.wsUrl, "json", { autoPong: false });
    await new Promise((resolve) => silent.once("open", resolve));
    silent.send(JSON.stringify({ type: "username", name: "Silent" }));
    await watcher.next("userlist", (m) => (m.users as string[]).includes("Silent"));
    const started = Date.now();
    await watcher.next("userlist", (m) => !(m.users as string[]).includes("Silent"), 5000);
    expect(Date.now() - started).toBeLessThan(2500);
    silent.terminate();
  });

  it("keeps connections that answer, and answers ping with pong", async () => {
    await running.start({ heartbeatTimeoutMs: 1000 });
    const alice = await running.modern("Alice");
    alice.send({ type: "ping", ref: 1 });
    expect(await alice.next("pong")).toEqual({ type: "pong", ref: 1 });
    // Three heartbeat rounds, each answered (ws answers pings by itself).
    let pings = 0;
    alice.socket.on("ping", () => pings++);
    await expect.poll(() => pings, { timeout: 5000 }).toBeGreaterThanOrEqual(3);
    alice.send({ type: "ping", ref: 2 });
    expect(await alice.next("pong")).toEqual({ type: "pong", ref: 2 });
  });
});

describe("resume", () => {
  async function dropAndResume(alice: TestClient, received: number) {
    const { resumeToken } = alice.all("welcome")[0]!;
    alice.socket.terminate();
    await alice.closed;
    const again = await running.connect();
    await again.next("id");
    again.send({ type: "hello", protocol: 1, resume: resumeToken, received });
    return again;
  }

  it("keeps name and presence, and delivers what was sent meanwhile once, in order", async () => {
    await running.start();
    const alice = await running.modern("Alice");
    const bob = await running.modern("Bob");
    const carol = await running.legacy("Carol");
    await alice.next("user-joined", (m) => (m.users as string[]).includes("Carol"));
    const received = countedSinceWelcome(alice);

    const { resumeToken } = alice.all("welcome")[0]!;
    alice.socket.terminate();
    await alice.closed;
    for (let i = 0; i < 5; i++) bob.send({ type: "message", text: `public ${i}` });
    bob.send({ type: "message", text: "private", target: "Alice" });
    bob.send({ type: "video-offer", target: "Alice", sdp: { type: "offer", sdp: "v=0" } });
    await bob.next("message", (m) => m.text === "public 4");

    const again = await running.connect();
    await again.next("id");
    again.send({ type: "hello", protocol: 1, resume: resumeToken, received });
    const welcome = await again.next("welcome");
    expect(welcome).toMatchObject({ resumed: true, id: alice.all("welcome")[0]!.id });
    await again.next("video-offer");
    const texts = again.all("message").map((m) => m.text);
    expect(texts).toEqual(["public 0", "public 1", "public 2", "public 3", "public 4", "private"]);
    // The user never left: nobody saw it go, and its name is still its own.
    await bob.expectNone("user-left");
    await carol.expectNone("userlist", (m) => !(m.users as string[]).includes("Alice"));
    again.send({ type: "message", text: "back", target: "Bob" });
    expect(await bob.next("message", (m) => m.text === "back")).toMatchObject({ name: "Alice" });
  });

  it("answers a resuming hello with its ref, as any request (the SDK waits on it)", async () => {
    await running.start();
    const alice = await running.modern("Alice");
    const { resumeToken } = alice.all("welcome")[0]!;
    alice.socket.terminate();
    await alice.closed;
    const again = await running.connect();
    await again.next("id");
    again.send({ type: "hello", protocol: 1, resume: resumeToken, received: 0, ref: "h2" });
    expect(await again.next("welcome")).toMatchObject({ resumed: true, ref: "h2" });
  });

  it("sends again what the client says it did not receive before the drop", async () => {
    await running.start();
    const alice = await running.modern("Alice");
    const bob = await running.modern("Bob");
    for (let i = 0; i < 3; i++) bob.send({ type: "note", n: i, target: "Alice" });
    await alice.next("note", (m) => m.n === 2);
    // Pretend the last two notes were still in flight when the connection died.
    const again = await dropAndResume(alice, countedSinceWelcome(alice) - 2);
    await again.next("welcome", (m) => m.resumed === true);
    await again.next("note", (m) => m.n === 2);
    expect(again.all("note").map((m) => m.n)).toEqual([1, 2]);
  });

  it("forgets what the client confirmed with ping, and refuses a resume that needs it", async () => {
    await running.start();
    const alice = await running.modern("Alice");
    const bob = await running.modern("Bob");
    bob.send({ type: "note", target: "Alice" });
    await alice.next("note");
    alice.send({ type: "ping", received: countedSinceWelcome(alice) });
    await alice.next("pong");
    const again = await dropAndResume(alice, 0);
    expect(await again.next("welcome")).toMatchObject({ resumed: false });
  });

  it("refuses an unknown token with a fresh session, which can log in", async () => {
    await running.start();
    const client = await running.connect();
    await client.next("id");
    client.send({ type: "hello", protocol: 1, resume: "no-such-token", received: 3 });
    expect(await client.next("welcome")).toMatchObject({ resumed: false, resumeToken: expect.any(String) });
    client.send({ type: "username", name: "Fresh", ref: 1 });
    expect(await client.next("ack")).toMatchObject({ name: "Fresh" });
  });

  it("ends the session after the grace period; the user then gets recent history at login", async () => {
    await running.start({ resumeGraceMs: 200 });
    const alice = await running.modern("Alice");
    const bob = await running.modern("Bob");
    bob.send({ type: "message", text: "before you left" });
    await alice.next("message");
    alice.socket.terminate();
    await bob.next("user-left", (m) => (m.users as string[]).includes("Alice"));

    const late = await running.connect();
    await late.next("id");
    late.send({ type: "hello", protocol: 1, resume: alice.all("welcome")[0]!.resumeToken, received: 0 });
    expect(await late.next("welcome")).toMatchObject({ resumed: false });
    late.send({ type: "username", name: "Alice" });
    const history = await late.next("history");
    expect((history.messages as { text: string }[]).map((m) => m.text)).toEqual(["before you left"]);
  });

  it("ends a dropped session once when more waits for it than it may keep", async () => {
    await running.start({ resumeBufferBytes: 2048 });
    const alice = await running.modern("Alice");
    const bob = await running.modern("Bob");
    alice.socket.terminate();
    await alice.closed;
    // The server must have seen the drop: what it sends before that is no overflow.
    await expect.poll(async () => (await (await fetch(`${running.httpUrl}/metrics`)).text()).includes("switchboard_detached_sessions 1\n")).toBe(true);
    for (let i = 0; i < 20; i++) bob.send({ type: "note", text: "x".repeat(500), target: "Alice" });
    await bob.next("user-left", (m) => (m.users as string[]).includes("Alice"));
    // Notes that arrive after the session ended find nobody: that is all that may go wrong.
    await bob.expectNone("error", (m) => m.code !== "unknown-target");
    const metrics = await (await fetch(`${running.httpUrl}/metrics`)).text();
    expect(metrics).toContain("switchboard_sessions_expired_total 1\n");
  });

  it("closes the old connection with 4001 when a session is resumed while it still looks open", async () => {
    await running.start();
    const alice = await running.modern("Alice");
    const again = await running.connect();
    await again.next("id");
    again.send({ type: "hello", protocol: 1, resume: alice.all("welcome")[0]!.resumeToken, received: countedSinceWelcome(alice) });
    expect(await again.next("welcome")).toMatchObject({ resumed: true });
    expect((await alice.closed).code).toBe(CLOSE_CODES.sessionReplaced);
  });

  it("rotates the token on every resume: the new one works once, an old one never again", async () => {
    await running.start();
    const alice = await running.modern("Alice");
    const bob = await running.modern("Bob");
    const first = alice.all("welcome")[0]!.resumeToken as string;
    const resumed = await dropAndResume(alice, countedSinceWelcome(alice));
    const welcome = await resumed.next("welcome");
    expect(welcome).toMatchObject({ resumed: true });
    const second = welcome.resumeToken as string;
    expect(second).toMatch(/^[\w-]{32}$/);
    expect(second).not.toBe(first);
    // A copy of the first token (an attacker's) takes nothing over: a fresh session instead.
    const thief = await running.connect();
    await thief.next("id");
    thief.send({ type: "hello", protocol: 1, resume: first, received: 0 });
    expect(await thief.next("welcome")).toMatchObject({ resumed: false });
    // The resumed connection is untouched and still Alice's.
    resumed.send({ type: "note", target: "Bob", ref: 1 });
    expect(await bob.next("note")).toMatchObject({ from: "Alice" });
    // The second token works, once, and the connection that loses the takeover is told why.
    const third = await running.connect();
    await third.next("id");
    third.send({ type: "hello", protocol: 1, resume: second, received: countedSinceWelcome(alice) + countedSinceWelcome(resumed) });
    expect(await third.next("welcome")).toMatchObject({ resumed: true });
    expect((await resumed.closed).code).toBe(CLOSE_CODES.sessionReplaced);
    const again = await running.connect();
    await again.next("id");
    again.send({ type: "hello", protocol: 1, resume: second, received: 0 });
    expect(await again.next("welcome")).toMatchObject({ resumed: false });
  });

  it("ends at once the session of a client that closes normally", async () => {
    await running.start();
    const alice = await running.modern("Alice");
    const bob = await running.modern("Bob");
    alice.socket.close(1000);
    await bob.next("user-left", (m) => (m.users as string[]).includes("Alice"), 1000);
  });
});

describe("drain", () => {
  it("sends what is queued, then closes every connection with 1012", async () => {
    // Room to queue several MB for a client that is not reading, without cutting it.
    await running.start({ maxQueuedBytes: 64 * 1024 * 1024, hardMaxQueuedBytes: 64 * 1024 * 1024 });
    const alice = await running.modern("Alice");
    const bob = await running.legacy("Bob");
    const bobReading = (bob.socket as unknown as { _socket: { pause(): void; resume(): void } })._socket;
    bobReading.pause();
    // 150 x 50 KB: more than the kernel's socket buffers hold, so the rest waits in the server.
    const NOTES = 150;
    const pad = "x".repeat(50 * 1024);
    for (let n = 0; n < NOTES; n++) alice.send({ type: "note", n, pad, target: "Bob", ...(n === NOTES - 1 ? { ref: "last" } : {}) });
    await alice.next("ack", (m) => m.ref === "last"); // Everything is relayed: queued for Bob.
    const closing = running.stop();
    bobReading.resume();
    expect((await bob.closed).code).toBe(CLOSE_CODES.serviceRestart);
    expect((await alice.closed).code).toBe(CLOSE_CODES.serviceRestart);
    await closing;
    // All of it, in order, before the close.
    expect(bob.all("note").map((m) => m.n)).toEqual(Array.from({ length: NOTES }, (_, n) => n));
  });

  it("answers /healthz 503 and refuses new upgrades while draining", async () => {
    await running.start({ drainTimeoutMs: 2000 });
    // A client that ignores the close frame keeps the drain waiting.
    const stubborn = new WebSocket(running.wsUrl, "json");
    await new Promise((resolve) => stubborn.once("open", resolve));
    (stubborn as unknown as { _socket: { pause(): void } })._socket.pause();
    const { port } = running;
    const closing = running.stop();
    await expect.poll(() => fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.status, () => 0)).not.toBe(200);
    await closing;
    stubborn.terminate();
  });
});
