// Issue 9, points 2 and 4, over real sockets: only the server speaks as the server; chat and
// its history can be neither poisoned nor flooded.
import { SERVER_MESSAGE_TYPES } from "@switchboard/protocol";
import { describe, expect, it } from "vitest";
import { useServer } from "./support/fixture.js";

const running = useServer();

describe("reserved types", () => {
  it("refuses every type the server sends itself, from modern and article clients, targeted or not", async () => {
    await running.start();
    const victim = await running.modern("Victim");
    const oldVictim = await running.legacy("OldVictim");
    const mallory = await running.modern("Mallory");
    const oldMallory = await running.legacy("OldMallory");
    let ref = 0;
    for (const type of SERVER_MESSAGE_TYPES) {
      if (type === "message") continue; // Chat: the server's to build, covered below.
      for (const target of ["Victim", "OldVictim", undefined]) {
        const forged = { type, target, iceServers: [{ urls: "turn:evil.example" }], users: ["Victim"], code: "x", message: "forged", name: "server" };
        mallory.send({ ...forged, ref: ++ref });
        const error = await mallory.next("error", (m) => m.ref === ref);
        expect(error.code).toBe("reserved-type");
        oldMallory.send(forged);
        expect((await oldMallory.next("error", (m) => m.code === "reserved-type")).code).toBe("reserved-type");
      }
    }
    // Nothing forged arrived: every frame since login came from the server (no `from`).
    for (const client of [victim, oldVictim]) {
      await client.expectNone("error");
      expect(client.received.filter((m) => "from" in m && m.type !== "barrier")).toEqual([]);
      expect(client.received.some((m) => JSON.stringify(m).includes("evil.example"))).toBe(false);
    }
  });

  it("stamps every relayed message with from, over whatever the sender put there", async () => {
    await running.start();
    const alice = await running.modern("Alice");
    const bob = await running.legacy("Bob");
    bob.send({ type: "whiteboard-stroke", target: "Alice", from: "server", name: "server", points: [1, 2] });
    expect(await alice.next("whiteboard-stroke")).toEqual({ type: "whiteboard-stroke", target: "Alice", from: "Bob", name: "Bob", points: [1, 2] });
    alice.send({ type: "video-offer", target: "Bob", sdp: { type: "offer", sdp: "v=0\r\n" } });
    expect(await bob.next("video-offer")).toMatchObject({ from: "Alice", name: "Alice" });
  });

  it("refuses malformed call messages instead of relaying them to the partner", async () => {
    await running.start();
    const alice = await running.modern("Alice");
    const bob = await running.modern("Bob");
    alice.send({ type: "video-offer", target: "Bob", sdp: "not a description", ref: 1 });
    expect(await alice.next("error", (m) => m.ref === 1)).toMatchObject({ code: "invalid-message" });
    alice.send({ type: "new-ice-candidate", target: "Bob", candidate: { candidate: 5 }, ref: 2 });
    expect(await alice.next("error", (m) => m.ref === 2)).toMatchObject({ code: "invalid-message" });
    await bob.expectNone("video-offer");
    await bob.expectNone("new-ice-candidate");
  });
});

function nested(depth: number): unknown {
  let value: unknown = "leaf";
  for (let i = 0; i < depth; i++) value = { value };
  return value;
}

describe("history", () => {
  it("cannot be poisoned: a deeply nested field is refused, a shallow one dropped, and later logins work", async () => {
    await running.start();
    const mallory = await running.modern("Mallory");
    // Written out by hand: JSON.stringify itself overflows the stack on such depths.
    mallory.send(`{"type":"message","text":"deep","extra":${'{"v":'.repeat(5000)}1${"}".repeat(5000)},"ref":1}`);
    expect(await mallory.next("error", (m) => m.ref === 1)).toMatchObject({ code: "too-deep" });
    mallory.send({ type: "message", text: "shallow", extra: nested(10), id: 7, seq: 1e9, ref: 2 });
    await mallory.next("ack", (m) => m.ref === 2);
    for (const name of ["Alice", "Bob", "Carol"]) {
      const late = await running.modern(name);
      expect(late.name).toBe(name);
      const history = await late.next("history");
      expect(history.messages).toEqual([{ type: "message", name: "Mallory", text: "shallow", date: expect.any(Number), seq: 1 }]);
      expect(late.all("error")).toEqual([]);
    }
  });

  it("refuses chat text over the limit, with a clear error", async () => {
    await running.start({ maxChatTextLength: 100 });
    const alice = await running.modern("Alice");
    const bob = await running.legacy("Bob");
    alice.send({ type: "message", text: "x".repeat(101), ref: 1 });
    const error = await alice.next("error", (m) => m.ref === 1);
    expect(error).toMatchObject({ code: "text-too-long" });
    expect(error.message).toContain("100");
    await bob.expectNone("message");
  });

  it("cannot be flooded: 100 large messages within the rate limit leave every new login whole", async () => {
    // Texts as large as a frame may be: the byte bound, not the text limit, is what holds here.
    await running.start({ maxChatTextLength: 65_000, historyMaxBytes: 128 * 1024, maxQueuedBytes: 1024 * 1024 });
    const mallory = await running.modern("Mallory");
    const text = "x".repeat(60 * 1024);
    for (let i = 0; i < 100; i++) mallory.send({ type: "message", text, ref: i });
    await mallory.next("ack", (m) => m.ref === 99, 15_000);
    for (const name of ["Alice", "Bob"]) {
      const late = await running.modern(name);
      const history = await late.next("history");
      const messages = history.messages as { seq: number }[];
      expect(JSON.stringify(history).length).toBeLessThanOrEqual(128 * 1024 + 1024);
      expect(messages.at(-1)!.seq).toBe(100);
      // Still connected and served.
      late.send({ type: "ping", ref: "p" });
      await late.next("pong");
    }
  });
});
