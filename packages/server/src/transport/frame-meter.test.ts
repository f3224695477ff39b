import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FrameMeter } from "./frame-meter.js";

/** A client frame as RFC 6455 lays it out: masked, with the shortest length encoding. */
function frame(opcode: number, payloadLength: number, fin = true): Buffer {
  const lengthBytes = payloadLength < 126 ? 0 : payloadLength < 65536 ? 2 : 8;
  const header = Buffer.alloc(2 + lengthBytes + 4);
  header[0] = (fin ? 0x80 : 0) | opcode;
  if (lengthBytes === 0) header[1] = 0x80 | payloadLength;
  else if (lengthBytes === 2) {
    header[1] = 0x80 | 126;
    header.writeUInt16BE(payloadLength, 2);
  } else {
    header[1] = 0x80 | 127;
    header.writeBigUInt64BE(BigInt(payloadLength), 2);
  }
  return Buffer.concat([header, Buffer.alloc(payloadLength, 0x61)]);
}

/** Feeds `bytes` in chunks of `size`, as TCP may deliver them. */
function feed(meter: FrameMeter, bytes: Buffer, size: number): number[] {
  const seen: number[] = [];
  for (let at = 0; at < bytes.length; at += size) {
    meter.write(bytes.subarray(at, at + size));
    seen.push(meter.unfinished);
  }
  return seen;
}

describe("FrameMeter", () => {
  it("holds nothing once a whole message has arrived, in any chunking", () => {
    const stream = Buffer.concat([frame(1, 10), frame(1, 300), frame(2, 70_000), frame(1, 0)]);
    for (const size of [1, 2, 3, 7, 64, 1000, stream.length]) {
      const meter = new FrameMeter();
      feed(meter, stream, size);
      expect(meter.unfinished, `chunks of ${size}`).toBe(0);
    }
  });

  it("counts a fragmented message's frames until its final fragment", () => {
    const meter = new FrameMeter();
    const first = frame(1, 1000, false);
    const middle = frame(0, 2000, false);
    meter.write(first);
    expect(meter.unfinished).toBe(first.length);
    meter.write(middle);
    expect(meter.unfinished).toBe(first.length + middle.length);
    meter.write(frame(0, 5, true));
    expect(meter.unfinished).toBe(0);
  });

  it("counts a frame's payload as it arrives", () => {
    const meter = new FrameMeter();
    const big = frame(2, 100_000);
    expect(meter.write(big.subarray(0, 14 + 40_000))).toBe(14 + 40_000);
    expect(meter.write(big.subarray(14 + 40_000, big.length - 1))).toBe(60_000 - 1);
    expect(meter.write(big.subarray(big.length - 1))).toBe(-(big.length - 1));
  });

  it("does not count control frames, even between fragments", () => {
    const meter = new FrameMeter();
    const first = frame(1, 500, false);
    meter.write(Buffer.concat([first, frame(0x9, 125), frame(0xa, 4)]));
    expect(meter.unfinished).toBe(first.length);
    meter.write(frame(0, 1, true));
    expect(meter.unfinished).toBe(0);
  });

  it("counts the headers of empty fragments", () => {
    const meter = new FrameMeter();
    for (let i = 0; i < 100; i++) meter.write(frame(i === 0 ? 1 : 0, 0, false));
    expect(meter.unfinished).toBe(100 * 6);
  });

  it("agrees with a model for any fragmenting, control frames between, and chunking (seeded)", () => {
    const fragmentSizes = fc.array(fc.oneof(fc.integer({ min: 0, max: 130 }), fc.integer({ min: 60_000, max: 70_000 })), { minLength: 1, maxLength: 4 });
    fc.assert(
      fc.property(fc.array(fragmentSizes, { minLength: 1, maxLength: 5 }), fc.boolean(), fc.integer({ min: 1, max: 5000 }), (messages, leaveLastOpen, chunk) => {
        const frames: Buffer[] = [];
        let open = 0;
        messages.forEach((sizes, m) => {
          const last = m === messages.length - 1;
          sizes.forEach((size, i) => {
            const fin = i === sizes.length - 1 && !(last && leaveLastOpen);
            const data = frame(i === 0 ? 1 : 0, size, fin);
            frames.push(data, frame(0x9, 3)); // a ping after every fragment
            if (last && leaveLastOpen) open += data.length;
          });
        });
        const meter = new FrameMeter();
        feed(meter, Buffer.concat(frames), chunk);
        expect(meter.unfinished).toBe(open);
      }),
      { seed: 9, numRuns: 300 },
    );
  });
});
