import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { channelPair } from "../../test/support/fake-data-channel.js";
import { chunkSizeFor, MAX_SEND_CHUNK_BYTES, streamBlob } from "./chunk-stream.js";

const bytes = (n: number, seed = 7) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff);
const sha256 = (data: Uint8Array) => createHash("sha256").update(data).digest("hex");

function openPair() {
  const [sender, receiver] = channelPair();
  sender.open();
  const received: ArrayBuffer[] = [];
  receiver.addEventListener("message", (event) => received.push((event as MessageEvent).data as ArrayBuffer));
  return { sender, receiver, received };
}

describe("chunkSizeFor", () => {
  it("follows the transport's limit below 64 KiB and caps it there", () => {
    expect(chunkSizeFor(16_384)).toBe(16_384);
    expect(chunkSizeFor(262_144)).toBe(MAX_SEND_CHUNK_BYTES);
    expect(MAX_SEND_CHUNK_BYTES).toBe(65_536);
  });

  it("takes no limit (0, Infinity), an unknown one and nonsense as 64 KiB", () => {
    for (const value of [0, Infinity, null, undefined, Number.NaN, -5]) expect(chunkSizeFor(value)).toBe(MAX_SEND_CHUNK_BYTES);
    expect(chunkSizeFor(1000.7)).toBe(1000);
  });
});

describe("streamBlob", () => {
  it("sends the blob in chunks of the given size, in order, and resolves with its SHA-256", async () => {
    const data = bytes(100_000);
    const { sender, received } = openPair();
    const progress: number[] = [];
    const digest = await streamBlob(new Blob([data]), sender, {
      chunkBytes: 16_384,
      highWaterBytes: 1 << 20,
      lowWaterBytes: 1 << 18,
      signal: new AbortController().signal,
      onProgress: (sent) => progress.push(sent),
    });
    expect(digest).toBe(sha256(data));
    expect(sender.sent.map((chunk) => (chunk as ArrayBuffer).byteLength)).toEqual([16_384, 16_384, 16_384, 16_384, 16_384, 16_384, 1_696]);
    expect(progress).toEqual([16_384, 32_768, 49_152, 65_536, 81_920, 98_304, 100_000]);
    await expect.poll(() => received.length).toBe(7);
    expect(new Uint8Array(await new Blob(received).arrayBuffer())).toEqual(data);
  });

  it("never buffers past the high-water mark plus one chunk: it waits for bufferedamountlow", async () => {
    const data = bytes(64 * 1024);
    const { sender } = openPair();
    sender.stalled = true; // Nothing drains until resume().
    let settled = false;
    const streaming = streamBlob(new Blob([data]), sender, {
      chunkBytes: 1024,
      highWaterBytes: 8 * 1024,
      lowWaterBytes: 2 * 1024,
      signal: new AbortController().signal,
      onProgress: () => undefined,
    }).finally(() => (settled = true));
    await expect.poll(() => sender.sent.length).toBe(9);
    await new Promise((resolve) => setTimeout(resolve, 20));
    // Stalled: it stopped at high water (8 KiB) + the chunk that crossed it, and waits.
    expect(sender.sent.length).toBe(9);
    expect(settled).toBe(false);
    expect(sender.bufferedAmountLowThreshold).toBe(2 * 1024);
    sender.resume();
    expect(await streaming).toBe(sha256(data));
    expect(sender.sent.length).toBe(64);
    expect(sender.peakBuffered).toBeLessThanOrEqual(8 * 1024 + 1024);
  });

  it("stops when aborted while waiting for the buffer to drain, and when the channel closes", async () => {
    const { sender } = openPair();
    sender.stalled = true;
    const stop = new AbortController();
    const options = { chunkBytes: 1024, highWaterBytes: 2048, lowWaterBytes: 0, signal: stop.signal, onProgress: () => undefined };
    const aborted = streamBlob(new Blob([bytes(100_000)]), sender, options);
    await expect.poll(() => sender.sent.length).toBe(3);
    stop.abort(new Error("cancelled by the test"));
    await expect(aborted).rejects.toThrow("cancelled by the test");
    expect(sender.sent.length).toBe(3);

    const other = openPair();
    other.sender.stalled = true;
    const closed = streamBlob(new Blob([bytes(100_000)]), other.sender, { ...options, signal: new AbortController().signal });
    await expect.poll(() => other.sender.sent.length).toBe(3);
    other.sender.readyState = "closed";
    other.sender.dispatchEvent(new Event("close"));
    await expect(closed).rejects.toThrow(/closed/);
    expect(other.sender.sent.length).toBe(3);
  });

  it("reads the blob a chunk at a time, never whole", async () => {
    const reads: [number, number][] = [];
    const data = new Blob([bytes(10_000)]);
    const spy = {
      size: data.size,
      slice(start: number, end: number) {
        reads.push([start, end]);
        return data.slice(start, end);
      },
    } as Blob;
    const { sender } = openPair();
    await streamBlob(spy, sender, { chunkBytes: 4096, highWaterBytes: 1 << 20, lowWaterBytes: 0, signal: new AbortController().signal, onProgress: () => undefined });
    expect(reads).toEqual([
      [0, 4096],
      [4096, 8192],
      [8192, 10_000],
    ]);
  });
});
