import { PROTOCOL_VERSION, type CallMessage } from "@switchboard/protocol";
import { SignalingError, type ChatEntry, type ConnectionState, type IncomingCallMessage } from "@switchboard/client";
import { describe, expect, it } from "vitest";
import { names, nextEvent, serverPerTest, startServer, until } from "./support/server.js";


const env = serverPerTest();
const { pool } = env;

describe("SignalingClient against the real server", () => {
  it("connects, says hello, logs in and knows the welcome and the user list", async () => {
    const client = pool.create();
    const states: ConnectionState[] = [];
    client.on("state", (state) => states.push(state));
    await client.connect();
    expect(client.state).toBe("open");
    expect(client.welcome).toMatchObject({ type: "welcome", protocol: PROTOCOL_VERSION, limits: { maxMessageBytes: expect.any(Number) } });
    expect(client.sessionId).toEqual(expect.any(String));

    expect(await client.login("Naomi")).toBe("Naomi");
    expect(client.name).toBe("Naomi");
    await until(client, "users", () => names(client).includes("Naomi"));
    expect(client.user("Naomi")).toEqual({ name: "Naomi", status: "available", legacy: false });
    expect(states).toEqual(["connecting", "open"]);
  });

  it("login() connects by itself", async () => {
    const client = pool.create();
    expect(await client.login("Solo")).toBe("Solo");
    expect(client.state).toBe("open");
  });

  it("reports the new name when the asked-for one is taken", async () => {
    await pool.loggedIn("Naomi");
    const second = pool.create();
    const renamed = nextEvent(second, "renamed");
    expect(await second.login("Naomi")).toBe("Naomi1");
    expect((await renamed)[0]).toEqual({ requested: "Naomi", name: "Naomi1" });
    expect(second.name).toBe("Naomi1");
  });

  it("tells everyone who joins, leaves and becomes busy, in order", async () => {
    const naomi = await pool.loggedIn("Naomi");
    const priya = await pool.loggedIn("Priya");
    await until(naomi, "users", () => names(naomi).join() === "Naomi,Priya");

    const joined = nextEvent(naomi, "user-joined", (user) => user.name === "Amos");
    const amos = await pool.loggedIn("Amos");
    expect((await joined)[0]).toEqual({ name: "Amos", status: "available", legacy: false });
    await until(amos, "users", () => names(amos).join() === "Amos,Naomi,Priya");

    const busy = nextEvent(amos, "user-status", (name) => name === "Priya");
    await priya.setStatus("busy");
    expect((await busy)).toEqual(["Priya", "busy"]);
    expect(amos.user("Priya")?.status).toBe("busy");
    await until(naomi, "user-status", () => naomi.user("Priya")?.status === "busy");

    const left = nextEvent(naomi, "user-left", (name) => name === "Priya");
    const leftForAmos = nextEvent(amos, "user-left", (name) => name === "Priya");
    priya.close();
    await Promise.all([left, leftForAmos]);
    expect(names(naomi)).toEqual(["Amos", "Naomi"]);
    expect(names(amos)).toEqual(["Amos", "Naomi"]);
  });

  it("a newcomer's snapshot shows who is busy", async () => {
    const priya = await pool.loggedIn("Priya");
    await priya.setStatus("busy");
    const naomi = await pool.loggedIn("Naomi");
    await until(naomi, "users", () => naomi.user("Priya") !== undefined);
    expect(naomi.user("Priya")?.status).toBe("busy");
  });

  it("delivers public chat to everyone, the sender included", async () => {
    const naomi = await pool.loggedIn("Naomi");
    const priya = await pool.loggedIn("Priya");
    const atNaomi = nextEvent(naomi, "chat");
    const atPriya = nextEvent(priya, "chat");
    await naomi.chat("hello <all>");
    for (const [entry] of await Promise.all([atNaomi, atPriya])) {
      expect(entry).toMatchObject({ from: "Naomi", text: "hello <all>", to: null });
    }
  });

  it("delivers private chat to the target only, and shows it to the sender once acked", async () => {
    const naomi = await pool.loggedIn("Naomi");
    const priya = await pool.loggedIn("Priya");
    const amos = await pool.loggedIn("Amos");
    const amosChats: ChatEntry[] = [];
    amos.on("chat", (entry) => amosChats.push(entry));

    const atPriya = nextEvent(priya, "chat");
    const atNaomi = nextEvent(naomi, "chat");
    await naomi.chat("psst", "Priya");
    expect((await atPriya)[0]).toMatchObject({ from: "Naomi", text: "psst", to: "Priya" });
    expect((await atNaomi)[0]).toMatchObject({ from: "Naomi", text: "psst", to: "Priya" });

    // A public line after the private one: when Amos has it, he would have had the private one.
    const publicAtAmos = nextEvent(amos, "chat");
    await naomi.chat("public");
    await publicAtAmos;
    expect(amosChats.map((entry) => entry.text)).toEqual(["public"]);
  });

  it("resolves requests on ack and rejects them with the server's code", async () => {
    const naomi = await pool.loggedIn("Naomi");
    await expect(naomi.request({ type: "set-status", status: "busy" })).resolves.toMatchObject({ type: "ack" });
    const failure = naomi.request({ type: "call-invite", target: "Nobody", callId: "c1" });
    await expect(failure).rejects.toBeInstanceOf(SignalingError);
    await expect(failure).rejects.toMatchObject({ source: "server", code: "unknown-target" });
    await expect(naomi.chat("hi", "Nobody")).rejects.toMatchObject({ code: "unknown-target" });
  });

  it("relays call signals to the target, stamped with the sender's name", async () => {
    const naomi = await pool.loggedIn("Naomi");
    const priya = await pool.loggedIn("Priya");
    const received = nextEvent(priya, "signal");
    const offer: CallMessage = { type: "video-offer", target: "Priya", name: "Impostor", sdp: { type: "offer", sdp: "v=0\r\n" }, callId: "c1" };
    naomi.send(offer);
    const [message] = (await received) as [IncomingCallMessage];
    expect(message).toMatchObject({ type: "video-offer", name: "Naomi", target: "Priya", sdp: { type: "offer", sdp: "v=0\r\n" }, callId: "c1" });
  });

  it("reports a server error without a ref as an error event", async () => {
    const naomi = await pool.loggedIn("Naomi");
    const error = nextEvent(naomi, "error");
    naomi.send({ type: "new-ice-candidate", target: "Nobody", candidate: null });
    expect((await error)[0]).toMatchObject({ source: "server", code: "unknown-target" });
  });

  it("rejects queued and pending requests on close() and ends in state closed", async () => {
    const client = pool.create();
    const login = client.login("Naomi");
    client.close();
    await expect(login).rejects.toMatchObject({ code: "closed" });
    expect(client.state).toBe("closed");
    await expect(client.connect()).rejects.toMatchObject({ code: "closed" });
    client.close(); // Idempotent.
  });
});

describe("reconnecting", () => {
  it("comes back on its own after a server restart, logs in again and sends what was queued", async () => {
    const naomi = await pool.loggedIn("Naomi");
    const reconnecting = nextEvent(naomi, "state", (state) => state === "reconnecting");
    const { port } = env.running;
    await env.running.server.close();
    await reconnecting;

    // Issued while down: must be queued, then delivered after the new login.
    const queued = naomi.chat("I am back");
    env.running = await startServer(port);
    const observer = await pool.loggedIn("Observer");
    const backOnline = until(observer, "users", () => observer.user("Naomi") !== undefined);
    const chatAtObserver = nextEvent(observer, "chat", (entry) => entry.text === "I am back");

    await queued;
    expect(naomi.state).toBe("open");
    expect(naomi.name).toBe("Naomi");
    await backOnline;
    expect((await chatAtObserver)[0]).toMatchObject({ from: "Naomi" });
    await until(naomi, "users", () => names(naomi).join() === "Naomi,Observer");
  });

  it("gives up as its policy says and closes", async () => {
    const client = pool.create({ reconnect: { nextRetryDelayMs: (attempt) => (attempt <= 2 ? 10 : null) } });
    await client.login("Naomi");
    const closed = nextEvent(client, "state", (state) => state === "closed");
    const pendingChat = nextEvent(client, "state", (state) => state === "reconnecting").then(() => client.chat("lost"));
    await env.running.server.close();
    await closed;
    await expect(pendingChat).rejects.toMatchObject({ code: "closed" });
    env.running = await startServer(); // For afterEach.
  });

  it("does not reconnect when the policy is false", async () => {
    const client = pool.create({ reconnect: false });
    await client.login("Naomi");
    const closed = nextEvent(client, "state", (state) => state === "closed");
    await env.running.server.close();
    expect((await closed)[1]).toBe("open");
    env.running = await startServer();
  });
});
