// Issue 5, point 6: 100,000 hostile frames from several connections at once. Seeded: a failure
// prints its seed, and FUZZ_SEED=<seed> replays exactly the same frames.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { TestClient } from "./support/test-client.js";
import { startServer } from "./support/server.js";

const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
const FRAMES = 100_000;
const FUZZERS = 8;
const KNOWN_TYPES = ["hello", "username", "message", "set-status", "ping", "video-offer", "video-answer", "new-ice-candidate", "hang-up", "call-invite", "call-decline", "error", "ack"];

/**
 * What a fuzzer sends. An `object` gets a `ref` added before it is sent, so the server's one
 * reply to it can be told apart; `raw` text and `binary` frames get an error without a ref.
 */
type Fuzz =
  | { kind: "object"; value: Record<string, unknown> }
  | { kind: "object-text"; body: string } // an object written by hand: `{` + body
  | { kind: "raw"; text: string }
  | { kind: "binary"; bytes: Uint8Array };

const nested = (depth: number) => "[".repeat(depth) + "]".repeat(depth);

const fuzzArbitrary: fc.Arbitrary<Fuzz> = fc.oneof(
  {
    weight: 40,
    arbitrary: fc
      .record(
        {
          type: fc.oneof(fc.constantFrom(...KNOWN_TYPES), fc.string({ maxLength: 70 }), fc.jsonValue({ maxDepth: 2 })),
          target: fc.oneof(fc.constant("Bob"), fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 })),
          text: fc.oneof(fc.string(), fc.string({ unit: "binary" }), fc.jsonValue({ maxDepth: 2 })),
          name: fc.jsonValue({ maxDepth: 2 }),
          protocol: fc.oneof(fc.constant(1), fc.jsonValue({ maxDepth: 1 })),
          status: fc.oneof(fc.constantFrom("busy", "available"), fc.jsonValue({ maxDepth: 1 })),
          sdp: fc.jsonValue({ maxDepth: 3 }),
          received: fc.oneof(fc.nat(), fc.jsonValue({ maxDepth: 1 })),
        },
        { requiredKeys: [] },
      )
      .map((value) => ({ kind: "object" as const, value })),
  },
  { weight: 15, arbitrary: fc.jsonValue({ maxDepth: 5 }).map((value) => ({ kind: "raw" as const, text: JSON.stringify(value) ?? "null" })) },
  {
    weight: 15,
    arbitrary: fc.tuple(fc.jsonValue({ maxDepth: 3 }), fc.nat()).map(([value, cut]) => {
      const text = JSON.stringify({ type: "message", text: value });
      return { kind: "raw" as const, text: text.slice(0, cut % text.length) }; // truncated
    }),
  },
  { weight: 10, arbitrary: fc.string({ unit: "binary", maxLength: 60 }).map((text) => ({ kind: "raw" as const, text })) },
  {
    weight: 3,
    arbitrary: fc.integer({ min: 100, max: 20_000 }).map((depth) => ({ kind: "object-text" as const, body: `"type":"deep","target":"Bob","a":${nested(depth)}}` })),
  },
  { weight: 2, arbitrary: fc.integer({ min: 100, max: 30_000 }).map((depth) => ({ kind: "raw" as const, text: nested(depth) })) },
  {
    weight: 5,
    arbitrary: fc.constantFrom("1e999", "-1e999", "123456789012345678901234567890", "-0", "1e-400").map((n) => ({
      kind: "object-text" as const,
      body: `"type":"message","text":"${n}","date":${n},"n":${n}}`,
    })),
  },
  { weight: 8, arbitrary: fc.uint8Array({ maxLength: 300 }).map((bytes) => ({ kind: "binary" as const, bytes })) },
  { weight: 1, arbitrary: fc.integer({ min: 65 * 1024, max: 200 * 1024 }).map((size) => ({ kind: "raw" as const, text: `{"type":"message","text":"${"y".repeat(size)}"}` })) },
);

function heapAfterCollection(): number {
  (globalThis as { gc?: () => void }).gc!();
  return process.memoryUsage().heapUsed;
}

/** One fuzzing connection, logged in with `hello` so that every request with a ref is answered. */
class Fuzzer {
  socket!: WebSocket;
  readonly refsAnswered = new Map<number, number>();
  unrefErrors = 0;

  constructor(
    private readonly url: string,
    private readonly name: string,
  ) {}

  answered(): number {
    return this.refsAnswered.size + this.unrefErrors;
  }

  async open(): Promise<void> {
    this.socket = new WebSocket(this.url, "json");
    let loggedIn!: () => void;
    const ready = new Promise<void>((resolve) => (loggedIn = resolve));
    this.socket.on("message", (data) => {
      const message = JSON.parse(data.toString());
      if (message.type === "ack" && message.ref === "login") return loggedIn();
      if (message.name !== undefined) return; // relayed from someone else (or from itself)
      if (!["error", "ack", "pong"].includes(message.type)) return;
      if (typeof message.ref === "number") this.refsAnswered.set(message.ref, (this.refsAnswered.get(message.ref) ?? 0) + 1);
      else if (message.type === "error") this.unrefErrors++;
    });
    await new Promise((resolve) => this.socket.once("open", resolve));
    this.socket.send(JSON.stringify({ type: "hello", protocol: 1 }));
    this.socket.send(JSON.stringify({ type: "username", name: this.name, ref: "login" }));
    await ready;
  }
}

describe(`fuzzing (FUZZ_SEED=${SEED})`, () => {
  it("never crashes, answers every bad frame, keeps memory flat and loses nothing between well-behaved users", async () => {
    const running = await startServer({ rateLimitPerSecond: 1e6, rateLimitBurst: 1e6, historySize: 10, loginsPerMinutePerIp: 0 });
    const alice = await TestClient.modern(running.wsUrl, "Alice");
    const bob = await TestClient.modern(running.wsUrl, "Bob");
    const frames = fc.sample(fuzzArbitrary, { seed: SEED, numRuns: FRAMES });
    const baseline = heapAfterCollection();

    // The well-behaved pair exchanges numbered notes all along.
    let sent = 0;
    let pairRunning = true;
    const pair = (async () => {
      while (pairRunning) {
        alice.send({ type: "pair-note", n: sent++, target: "Bob" });
        await bob.next("pair-note", (m) => m.n === sent - 1, 30_000);
      }
    })();

    let refs = 0;
    let closedWith1007 = 0;
    await Promise.all(
      Array.from({ length: FUZZERS }, async (_, index) => {
        const fuzzer = new Fuzzer(running.wsUrl, `Fuzz${index}`);
        await fuzzer.open();
        let expectedRefs = 0;
        let expectedUnref = 0;
        for (let i = index; i < FRAMES; i += FUZZERS) {
          const frame = frames[i]!;
          const ref = ++refs;
          switch (frame.kind) {
            case "object":
              fuzzer.socket.send(JSON.stringify({ ...frame.value, ref }));
              expectedRefs++;
              break;
            case "object-text":
              fuzzer.socket.send(`{"ref":${ref},${frame.body}`);
              expectedRefs++;
              break;
            case "raw":
              fuzzer.socket.send(frame.text);
              expectedUnref++;
              break;
            case "binary":
              fuzzer.socket.send(frame.bytes, { binary: true });
              expectedUnref++;
              break;
          }
          if (i === index + FRAMES / 2) {
            // Halfway, a text frame that is not UTF-8: the WebSocket layer closes with 1007
            // (documented). Everything sent before it is still answered; then reconnect.
            await expect.poll(() => fuzzer.answered(), { timeout: 60_000 }).toBe(expectedRefs + expectedUnref);
            const closed = new Promise<number>((resolve) => fuzzer.socket.once("close", resolve));
            fuzzer.socket.send(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), { binary: false });
            expect(await closed).toBe(1007);
            closedWith1007++;
            await fuzzer.open();
          }
          if (i % 400 < FUZZERS) await new Promise((resolve) => setImmediate(resolve));
        }
        await expect.poll(() => fuzzer.answered(), { timeout: 120_000, interval: 100 }).toBe(expectedRefs + expectedUnref);
        expect(fuzzer.refsAnswered.size).toBe(expectedRefs);
        expect([...fuzzer.refsAnswered.values()].every((count) => count === 1)).toBe(true);
        expect(fuzzer.unrefErrors).toBe(expectedUnref);
        fuzzer.socket.close();
      }),
    );

    pairRunning = false;
    await pair;
    expect(sent).toBeGreaterThan(10);
    const notes = bob.all("pair-note").map((m) => m.n);
    expect(notes).toEqual(notes.map((_, i) => i)); // none lost, none repeated, in order
    expect(closedWith1007).toBe(FUZZERS);

    // Still fully working, and every fuzzer is gone from the server's books.
    alice.send({ type: "message", text: "after the storm", target: "Bob" });
    expect(await bob.next("message", (m) => m.text === "after the storm")).toMatchObject({ name: "Alice" });
    await expect.poll(async () => (await (await fetch(`${running.httpUrl}/healthz`)).json()).connections).toBe(2);

    bob.received.length = 0;
    frames.length = 0;
    await expect.poll(() => heapAfterCollection() - baseline, { timeout: 10_000 }).toBeLessThan(8 * 1024 * 1024);
    await alice.close();
    await bob.close();
    await running.server.close();
  }, 240_000);
});
