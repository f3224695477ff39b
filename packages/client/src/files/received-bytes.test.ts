import { createHash } from "node:crypto";
import { MAX_FILE_CHUNK_BYTES } from "@switchboard/protocol";
import { describe, expect, it } from "vitest";
import { ReceivedBytes } from "./received-bytes.js";

function bytes(length: number, seed: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i += 1) out[i] = (i * 31 + seed) & 0xff;
  return out;
}

describe("ReceivedBytes", () => {
  it("keeps every byte in order across its 4 MiB folds, whatever the chunk sizes, and hashes them", async () => {
    const file = bytes(4 * 1024 * 1024 + 3 * MAX_FILE_CHUNK_BYTES + 5, 7);
    const received = new ReceivedBytes(file.byteLength, "application/octet-stream");
    // Sizes that straddle the fold: full chunks, odd ones, single bytes.
    const sizes = [MAX_FILE_CHUNK_BYTES, 1, 3, 12345, MAX_FILE_CHUNK_BYTES - 1];
    for (let offset = 0, i = 0; offset < file.byteLength; i += 1) {
      const size = Math.min(sizes[i % sizes.length]!, file.byteLength - offset);
      received.add(file.slice(offset, offset + size).buffer);
      offset += size;
    }
    expect(received.complete).toBe(true);
    expect(received.digest()).toBe(createHash("sha256").update(file).digest("hex"));
    const blob = received.blob();
    expect(blob.type).toBe("application/octet-stream");
    expect(Buffer.compare(Buffer.from(await blob.arrayBuffer()), Buffer.from(file))).toBe(0);
  });

  it("refuses an empty chunk, an oversized one, and bytes past the announced size", () => {
    const received = new ReceivedBytes(10, "");
    expect(() => received.add(new ArrayBuffer(0))).toThrow(RangeError);
    expect(() => received.add(new ArrayBuffer(MAX_FILE_CHUNK_BYTES + 1))).toThrow(RangeError);
    received.add(new ArrayBuffer(8));
    expect(() => received.add(new ArrayBuffer(3))).toThrow(/more than the 10 bytes/);
  });
});
