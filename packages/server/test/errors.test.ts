// Point 4 of the server issue: errors are messages, and nothing a client sends takes anything down.
import { ERROR_CODES, CLOSE_CODES } from "@switchboard/protocol";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { TestClient } from "./support/test-client.js";
import { startServer, type RunningServer } from "./support/server.js";

let running: RunningServer;
let alice: TestClient;
let bob: TestClient;
const extra: TestClient[] = [];

beforeAll(async () => {
  running = await startServer();
  alice = await TestClient.modern(running.wsUrl, "Alice");
  bob = await TestClient.legacy(running.wsUrl, "Bob");
});
afterEach(async () => {
  await Promise.all(extra.splice(0).map((client) => client.close()));
  // After every bad input, the offender and everyone else carry on.
  alice.send({ type: "message", text: "still alive?", target: "Bob" });
  expect((await bob.next("message", (m) => m.text === "still alive?")).name).toBe("Alice");
  bob.send({ type: "ping-back", target: "Alice" });
  await alice.next("ping-back");
});
afterAll(async () => {
  await alice.close();
  await bob.close();
  await running.server.close();
});

/** Sends raw data from Alice and returns the error it gets. */
async function errorFor(data: string | Buffer, binary = false) {
  alice.socket.send(data, { binary });
  return alice.next("error");
}

describe("error messages", () => {
  it.each([
    ["bad-json", "{not json"],
    ["bad-json", '{"type":"message","text":"cut off'],
    ["bad-json", ""],
    ["not-an-object", "[1,2,3]"],
    ["not-an-object", "42"],
    ["not-an-object", '"a string"'],
    ["not-an-object", "null"],
    ["missing-type", "{}"],
    ["missing-type", '{"type":7}'],
    ["missing-type", '{"type":""}'],
    ["missing-type", JSON.stringify({ type: "x".repeat(65) })],
    ["invalid-message", '{"type":"message","text":5}'],
    ["invalid-message", '{"type":"hello","protocol":"one"}'],
    ["invalid-message", '{"type":"set-status","status":"sleepy"}'],
    ["invalid-message", '{"type":"whatever","target":{"name":"Bob"}}'],
    ["unknown-target", '{"type":"video-offer","target":"Nobody","sdp":{"type":"offer","sdp":""}}'],
    ["invalid-message", '{"type":"video-offer","target":"Bob"}'],
    ["reserved-type", '{"type":"ice-servers","target":"Bob","iceServers":[]}'],
    ["too-deep", `{"type":"x","a":${"[".repeat(40)}${"]".repeat(40)}}`],
    ["text-too-long", JSON.stringify({ type: "message", text: "x".repeat(2001) })],
    ["unknown-target", '{"type":"message","text":"hi","target":"Nobody"}'],
    ["already-logged-in", '{"type":"username","name":"Other"}'],
    ["hello-after-login", '{"type":"hello","protocol":1}'],
    ["no-call", '{"type":"video-answer","sdp":{"type":"answer","sdp":""}}'],
  ])("%s for %s", async (code, frame) => {
    const error = await errorFor(frame);
    expect(error).toMatchObject({ type: "error", code, message: expect.any(String) });
    expect(ERROR_CODES).toHaveProperty(code);
  });

  it("echoes the request's ref", async () => {
    const error = await errorFor(JSON.stringify({ type: "video-offer", target: "Nobody", sdp: { type: "offer" }, ref: "r-17" }));
    expect(error).toMatchObject({ code: "unknown-target", ref: "r-17" });
    const numeric = await errorFor(JSON.stringify({ type: 3, ref: 9 }));
    expect(numeric).toMatchObject({ code: "missing-type", ref: 9 });
  });

  it("binary-frame for a binary message", async () => {
    expect(await errorFor(Buffer.from([1, 2, 3]), true)).toMatchObject({ code: "binary-frame" });
  });

  it("frame-too-large for a 2 MB frame, and the connection carries on", async () => {
    const big = JSON.stringify({ type: "message", text: "x".repeat(2 * 1024 * 1024) });
    expect(await errorFor(big)).toMatchObject({ code: "frame-too-large" });
  });

  it("accepts a message just under the limit", async () => {
    const text = "y".repeat(64 * 1024 - 200);
    alice.send({ type: "note", text, target: "Bob" });
    expect((await bob.next("note", (m) => m.text === text)).name).toBe("Alice");
  });

  it("bad-name, not-logged-in and unsupported-protocol from a fresh connection", async () => {
    const fresh = await TestClient.connect(running.wsUrl);
    extra.push(fresh);
    await fresh.next("id");
    fresh.send({ type: "hello", protocol: 99, ref: 1 });
    expect(await fresh.next("error")).toMatchObject({ code: "unsupported-protocol", ref: 1 });
    fresh.send({ type: "message", text: "hi" });
    expect(await fresh.next("error")).toMatchObject({ code: "not-logged-in" });
    fresh.send({ type: "username", name: "<bad>" });
    expect(await fresh.next("error")).toMatchObject({ code: "bad-name" });
  });

  it("closes with 1009 only past the hard cap, and nobody else notices", async () => {
    const small = await startServer({ maxMessageBytes: 1024, hardMaxMessageBytes: 64 * 1024 });
    try {
      const victim = await TestClient.modern(small.wsUrl, "Victim");
      const witness = await TestClient.modern(small.wsUrl, "Witness");
      victim.send({ type: "message", text: "z".repeat(2000) });
      expect(await victim.next("error")).toMatchObject({ code: "frame-too-large" });
      victim.send({ type: "message", text: "z".repeat(100 * 1024) });
      expect((await victim.closed).code).toBe(CLOSE_CODES.messageTooBig);
      expect(await witness.next("user-left")).toMatchObject({ users: ["Victim"] });
      await witness.close();
    } finally {
      await small.server.close();
    }
  });
});

describe("robustness", () => {
  it("survives a burst of hostile frames from many connections at once", async () => {
    const hostile = [
      "\u0000\u0001",
      "{".repeat(10_000),
      "[".repeat(100_000),
      '{"type":"__proto__","__proto__":{"polluted":true},"target":"Bob"}',
      '{"type":"constructor","target":"constructor"}',
      '{"type":"toString","target":"toString"}',
      '{"type":"message","text":"\\ud800"}',
      JSON.stringify({ type: "message", text: "1e999", date: 1e308 }),
      '{"type":"username","name":{"toString":1}}',
    ];
    const attackers = await Promise.all([1, 2, 3].map(() => TestClient.connect(running.wsUrl)));
    extra.push(...attackers);
    for (const attacker of attackers) {
      await attacker.next("id");
      for (const frame of hostile) attacker.send(frame);
      attacker.socket.send(Buffer.from([0xff, 0xfe]), { binary: true });
    }
    for (const attacker of attackers) {
      await attacker.next("error", () => attacker.all("error").length >= hostile.length + 1);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
