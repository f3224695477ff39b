// Point 6 of the server issue: hello/welcome, refs and acks.
import { PROTOCOL_VERSION, WelcomeMessage } from "@switchboard/protocol";
import { describe, expect, it } from "vitest";
import { useServer } from "./support/fixture.js";

const running = useServer();

describe("hello", () => {
  it("is answered by welcome with the session id, limits and ICE servers", async () => {
    await running.start({
      stunUrls: "stun:stun.example.org:3478",
      turnUrls: ["turn:turn.example.org:3478?transport=udp"],
      turnUsername: "u",
      turnCredential: "p",
      maxMessageBytes: 32768,
    });
    const client = await running.connect();
    const { id } = await client.next("id");
    client.send({ type: "hello", protocol: PROTOCOL_VERSION, features: ["presence-deltas"], ref: "h1" });
    const welcome = await client.next("welcome");
    expect(WelcomeMessage.parse(welcome)).toEqual({
      type: "welcome",
      protocol: PROTOCOL_VERSION,
      id,
      features: expect.arrayContaining(["presence-deltas", "acks"]),
      limits: { maxMessageBytes: 32768, messagesPerSecond: 50, messageBurst: 200, heartbeatIntervalMs: 10_000, resumeGraceMs: 30_000, maxChatTextLength: 2000, maxNestingDepth: 32, maxMeshParticipants: 6 },
      resumeToken: expect.stringMatching(/^[\w-]{32}$/),
      resumed: false,
      iceServers: [
        { urls: ["stun:stun.example.org:3478"] },
        { urls: ["turn:turn.example.org:3478?transport=udp"], username: "u", credential: "p" },
      ],
      room: "lobby",
      auth: "open",
      ref: "h1",
    });
  });

  it("offers no ICE servers by default: host candidates serve localhost and LANs", async () => {
    await running.start();
    const client = await running.connect();
    await client.next("id");
    client.send({ type: "hello", protocol: PROTOCOL_VERSION });
    expect((await client.next("welcome")).iceServers).toEqual([]);
  });
});

describe("requests with a ref", () => {
  it("are acknowledged on success and echoed on error", async () => {
    await running.start();
    const alice = await running.connect();
    await alice.next("id");
    alice.send({ type: "hello", protocol: PROTOCOL_VERSION });
    await alice.next("welcome");
    alice.send({ type: "username", name: "Alice", ref: 1 });
    expect(await alice.next("ack")).toEqual({ type: "ack", ref: 1, name: "Alice" });

    const bob = await running.modern("Bob");
    alice.send({ type: "call-invite", target: "Bob", callId: "c1", ref: 2 });
    expect(await alice.next("ack")).toEqual({ type: "ack", ref: 2 });
    expect(await bob.next("call-invite")).toMatchObject({ name: "Alice", callId: "c1" });

    alice.send({ type: "message", text: "hi", target: "Nobody", ref: 3 });
    expect(await alice.next("error")).toMatchObject({ code: "unknown-target", ref: 3 });
  });

  it("are not acknowledged for article clients, who would not understand ack", async () => {
    await running.start();
    const legacy = await running.legacy("Old");
    legacy.send({ type: "message", text: "hi", ref: 5 });
    await legacy.next("message");
    await legacy.expectNone("ack");
  });

  it("gets a renamed modern user's final name in rejectusername and the ack", async () => {
    await running.start();
    await running.modern("Sam");
    const second = await running.connect();
    await second.next("id");
    second.send({ type: "hello", protocol: PROTOCOL_VERSION });
    second.send({ type: "username", name: "Sam", ref: "login" });
    expect(await second.next("rejectusername")).toEqual({ type: "rejectusername", name: "Sam1" });
    expect(await second.next("ack")).toEqual({ type: "ack", ref: "login", name: "Sam1" });
  });
});
