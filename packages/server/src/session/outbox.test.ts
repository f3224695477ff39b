import { describe, expect, it } from "vitest";
import { FrameParts, type Frame } from "../wire/frame.js";
import { COPY_LIMIT, FEW_FRAMES, Outbox } from "./outbox.js";

const text = (frame: Frame): string =>
  typeof frame === "string" ? frame : frame instanceof FrameParts ? frame.join().toString("utf8") : Buffer.from(frame).toString("utf8");

class Wire {
  readonly frames: Frame[] = [];
  send(frame: Frame): void {
    this.frames.push(frame);
  }
  get texts(): string[] {
    return this.frames.map(text);
  }
}

const TEXT = "aé€𝄞b".repeat(1200);
const bytes = (s: string) => new TextEncoder().encode(s);

/** A deterministic generator (mulberry32). */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Opens a numbered outbox on `wire`, as a session does after its welcome. By default it copies
 * from the first frame (`fewFrames` 0), so that the ring is what is tested.
 */
function numbered(maxBytes: number, fewFrames = 0, wire = new Wire()): { outbox: Outbox; wire: Wire } {
  const outbox = new Outbox(wire, maxBytes, fewFrames);
  outbox.send("welcome");
  outbox.startNumbering();
  return { outbox, wire };
}

/** Drops the connection and resumes on a new one; returns what the new one got, or null. */
function resume(outbox: Outbox, received: number): string[] | null {
  outbox.detach();
  const wire = new Wire();
  return outbox.attach(wire, received, "greeting") ? wire.texts : null;
}

describe("Outbox", () => {
  it("numbers frames from startNumbering and replays those above `received`, once, in order", () => {
    const { outbox, wire } = numbered(1024);
    for (let i = 1; i <= 5; i++) outbox.send(`{"n":${i}}`);
    expect(wire.texts).toEqual(["welcome", '{"n":1}', '{"n":2}', '{"n":3}', '{"n":4}', '{"n":5}']);
    expect(outbox.keptFrames).toBe(5);
    expect(resume(outbox, 3)).toEqual(["greeting", '{"n":4}', '{"n":5}']);
    // Live traffic continues on the new connection, numbered on.
    outbox.send('{"n":6}');
    expect(resume(outbox, 6)).toEqual(["greeting"]);
    expect(outbox.keptFrames).toBe(0);
  });

  it("forgets what is confirmed, ignores stale confirmations, and releases its memory when all is confirmed", () => {
    const { outbox } = numbered(4096);
    for (let i = 1; i <= 4; i++) outbox.send(bytes(`frame ${i}`));
    outbox.confirm(2);
    expect(outbox.keptFrames).toBe(2);
    expect(outbox.keptBytes).toBe(14);
    outbox.confirm(1);
    expect(outbox.keptFrames).toBe(2);
    expect(outbox.ringBytes).toBeGreaterThan(0);
    outbox.confirm(4);
    expect(outbox.keptFrames).toBe(0);
    expect(outbox.keptBytes).toBe(0);
    expect(outbox.ringBytes).toBe(0);
    // Already confirmed: a resume from 2 cannot be served, from 4 it can.
    expect(resume(outbox, 2)).toBeNull();
    expect(resume(outbox, 4)).toEqual(["greeting"]);
  });

  it("keeps copies: changing a sent buffer afterwards does not change what is replayed", () => {
    const { outbox } = numbered(4096);
    const frame = Buffer.from('{"type":"candidate"}');
    outbox.send(frame);
    frame.fill(0x20);
    expect(resume(outbox, 0)).toEqual(["greeting", '{"type":"candidate"}']);
  });

  it("replays mixed frames exactly: strings (multi-byte), bytes, small and large FrameParts", () => {
    const { outbox } = numbered(256 * 1024);
    const large = new FrameParts([bytes('{"type":"userlist","users":['), bytes(`"${"x".repeat(COPY_LIMIT)}"`), bytes("]}")]);
    const largeBytes = bytes(`{"big":"${"y".repeat(COPY_LIMIT)}"}`);
    const sent: Frame[] = [
      '{"type":"chat","text":"héllo ✓ 𝄞"}',
      bytes('{"type":"new-ice-candidate"}'),
      new FrameParts([bytes('{"type":"userlist","users":['), bytes('"ann","bob"'), bytes("]}")]),
      large,
      `{"type":"chat","text":"${"ü".repeat(3000)}"}`, // 6 KB of UTF-8 from 3000 characters
      largeBytes,
      "",
    ];
    for (const frame of sent) outbox.send(frame);
    outbox.detach();
    const wire = new Wire();
    expect(outbox.attach(wire, 0, "greeting")).toBe(true);
    expect(wire.texts).toEqual(["greeting", ...sent.map(text)]);
    // Large frames are the very objects sent (shared, not copied); small ones are copies.
    expect(wire.frames[4]).toBe(large);
    expect(wire.frames[6]).toBe(largeBytes);
    expect(wire.frames[2]).not.toBe(sent[1]);
    expect(outbox.keptBytes).toBe(sent.reduce((sum, frame) => sum + Buffer.from(text(frame)).byteLength, 0));
  });

  it("keeps a frame marked shared by reference, and copies one that is not", () => {
    const a = numbered(4096).outbox;
    const b = numbered(4096).outbox;
    const frame = bytes('{"type":"user-joined","users":["cy"]}');
    a.send(frame);
    b.send(frame, true);
    const wireA = new Wire();
    const wireB = new Wire();
    a.detach();
    b.detach();
    expect(a.attach(wireA, 0, "hi")).toBe(true);
    expect(b.attach(wireB, 0, "hi")).toBe(true);
    expect(wireA.texts).toEqual(wireB.texts);
    expect(wireA.frames[1]).not.toBe(frame);
    expect(wireB.frames[1]).toBe(frame);
  });

  it("wraps around its ring and grows it without losing or reordering a byte (seeded model check)", () => {
    for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
      const next = random(seed);
      const maxBytes = 2048 + Math.floor(next() * 64 * 1024);
      const { outbox } = numbered(maxBytes, seed % 2 === 0 ? FEW_FRAMES : 0);
      const model: string[] = []; // frame n at model[n - 1]
      for (let step = 0; step < 2000; step++) {
        const length = Math.floor(next() ** 3 * TEXT.length) // up to 13 KB: some above COPY_LIMIT;
        // 1- to 4-byte characters; cut between code points (a lone surrogate is not UTF-8).
        const cut = /[\ud800-\udbff]/.test(TEXT.charAt(length - 1)) ? length - 1 : length;
        const body = `${model.length + 1}:${TEXT.slice(0, cut)}`;
        const kind = next();
        const frame: Frame =
          kind < 0.4 ? body : kind < 0.8 ? bytes(body) : new FrameParts([bytes(body.slice(0, 3)), bytes(body.slice(3))]);
        model.push(text(frame));
        outbox.send(frame);
        expect(outbox.ringBytes).toBeLessThanOrEqual(maxBytes);
        if (next() < 0.05) {
          // The client confirms most of what it has.
          const upTo = model.length - Math.floor(next() * 5);
          outbox.confirm(upTo);
        }
        if (next() < 0.02) {
          // A resume: from what is still kept, everything after `received` comes back in order.
          const first = model.length - outbox.keptFrames + 1;
          const received = first - 1 + Math.floor(next() * (outbox.keptFrames + 1));
          expect(resume(outbox, received)).toEqual(["greeting", ...model.slice(received)]);
        }
      }
      expect(outbox.keptBytes).toBeLessThanOrEqual(maxBytes);
      // What the outbox still keeps is exactly the newest frames that fit the bound.
      const first = model.length - outbox.keptFrames + 1;
      expect(resume(outbox, first - 1)).toEqual(["greeting", ...model.slice(first - 1)]);
      const keptBytes = model.slice(first - 1).reduce((sum, frame) => sum + Buffer.byteLength(frame), 0);
      expect(outbox.keptBytes).toBe(keptBytes);
    }
  });

  it("fails a resume that needs frames it pushed out to stay within maxBytes", () => {
    const { outbox } = numbered(100);
    for (let i = 1; i <= 10; i++) outbox.send(`{"n":${i},"pad":"${"p".repeat(20)}"}`); // 35 bytes each
    expect(outbox.keptFrames).toBe(2);
    expect(outbox.keptBytes).toBeLessThanOrEqual(100);
    expect(outbox.overflowed).toBe(false); // attached: the client got them live
    expect(resume(outbox, 0)).toBeNull();
    expect(resume(outbox, 7)).toBeNull();
    expect(resume(outbox, 11)).toBeNull(); // more than was sent
    expect(resume(outbox, 8)).toEqual(["greeting", ...[9, 10].map((n) => `{"n":${n},"pad":"${"p".repeat(20)}"}`)]);
  });

  it("reports overflow when a detached session must drop an unconfirmed frame", () => {
    const { outbox } = numbered(100);
    outbox.send(bytes("a".repeat(40)));
    outbox.detach();
    outbox.send(bytes("b".repeat(40)));
    expect(outbox.overflowed).toBe(false);
    outbox.send(bytes("c".repeat(40)));
    expect(outbox.overflowed).toBe(true);
    expect(outbox.attach(new Wire(), 0, "greeting")).toBe(false);
    expect(outbox.attached).toBe(false);
  });

  it("reports overflow for a single frame larger than maxBytes while detached, and never keeps it", () => {
    const { outbox, wire } = numbered(100);
    outbox.send("x".repeat(101)); // attached: sent live, not kept
    expect(wire.frames).toHaveLength(2);
    expect(outbox.keptFrames).toBe(0);
    expect(outbox.overflowed).toBe(false);
    expect(resume(outbox, 1)).toEqual(["greeting"]);
    outbox.detach();
    outbox.send("y".repeat(101));
    expect(outbox.overflowed).toBe(true);
    expect(outbox.attach(new Wire(), 1, "greeting")).toBe(false);
  });

  it("keeps its first few frames by reference and allocates a ring only for more", () => {
    const { outbox } = numbered(4096, FEW_FRAMES);
    const sent = Array.from({ length: FEW_FRAMES + 2 }, (_, i) => bytes(`{"n":${i + 1}}`));
    for (const frame of sent.slice(0, FEW_FRAMES)) outbox.send(frame);
    expect(outbox.ringBytes).toBe(0);
    outbox.send(sent[FEW_FRAMES]!);
    outbox.send(sent[FEW_FRAMES + 1]!);
    expect(outbox.ringBytes).toBeGreaterThan(0);
    outbox.detach();
    const wire = new Wire();
    expect(outbox.attach(wire, 1, "greeting")).toBe(true);
    expect(wire.texts).toEqual(["greeting", ...sent.slice(1).map(text)]);
    expect(wire.frames[1]).toBe(sent[1]);
    expect(wire.frames[FEW_FRAMES]).not.toBe(sent[FEW_FRAMES]);
    outbox.confirm(FEW_FRAMES + 2);
    expect(outbox.ringBytes).toBe(0);
    outbox.send("pong");
    expect(outbox.ringBytes).toBe(0);
  });

  it("keeps shared frames of a session that is never empty without piling up", () => {
    const { outbox } = numbered(4096);
    for (let n = 1; n <= 5000; n++) {
      outbox.send(bytes(`{"type":"message","n":${n}}`), true);
      if (n % 10 === 0) outbox.confirm(n - 5);
    }
    expect(outbox.keptFrames).toBe(5);
    expect(resume(outbox, 4995)).toEqual(["greeting", ...[4996, 4997, 4998, 4999, 5000].map((n) => `{"type":"message","n":${n}}`)]);
  });

  it("does not number or keep anything before startNumbering, nor unnumbered frames", () => {
    const wire = new Wire();
    const outbox = new Outbox(wire, 1024);
    outbox.send("id");
    expect(outbox.keptFrames).toBe(0);
    outbox.startNumbering();
    outbox.sendUnnumbered("about the connection");
    outbox.send("one");
    expect(outbox.keptFrames).toBe(1);
    expect(resume(outbox, 0)).toEqual(["greeting", "one"]);
  });
});
