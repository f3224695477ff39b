import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex } from "@noble/hashes/utils.js";

/**
 * The largest chunk a sender sends: 64 KiB, even where the SCTP transport allows more
 * (Chromium says 256 KiB, Firefox up to 1 GiB). SCTP as browsers run it does not interleave
 * messages, so one large message holds up every other channel of the connection until it is
 * through; 64 KiB is also what every browser has taken since before `maxMessageSize` existed,
 * and it keeps each read from the file and each progress step small.
 */
export const MAX_SEND_CHUNK_BYTES = 64 * 1024;

/** The chunk size for a connection whose SCTP transport says `maxMessageSize` (unknown: null). */
export function chunkSizeFor(maxMessageSize: number | null | undefined): number {
  // 0 or Infinity mean "no limit" in the spec's terms; NaN or a negative is not believed.
  if (typeof maxMessageSize !== "number" || !Number.isFinite(maxMessageSize) || maxMessageSize <= 0) return MAX_SEND_CHUNK_BYTES;
  return Math.max(1, Math.min(MAX_SEND_CHUNK_BYTES, Math.floor(maxMessageSize)));
}

/** The part of an RTCDataChannel that streaming needs (a fake one in the unit tests). */
export interface ChunkSink {
  readonly readyState: RTCDataChannelState;
  readonly bufferedAmount: number;
  bufferedAmountLowThreshold: number;
  send(data: ArrayBuffer): void;
  addEventListener(type: "bufferedamountlow" | "close", listener: () => void): void;
  removeEventListener(type: "bufferedamountlow" | "close", listener: () => void): void;
}

export interface StreamOptions {
  chunkBytes: number;
  /** Stop queueing while more than this waits in the channel's buffer... */
  highWaterBytes: number;
  /** ...and go on when it has drained to this (`bufferedAmountLowThreshold`). */
  lowWaterBytes: number;
  /** Aborted: stop at the next step; the promise rejects with the signal's reason. */
  signal: AbortSignal;
  /** Bytes handed to the channel so far, after each chunk. */
  onProgress(bytes: number): void;
}

/**
 * Sends `blob` through `sink` a chunk at a time, reading each chunk from the Blob only when it
 * is to be sent (`slice().arrayBuffer()`: a File is never read whole into memory), with
 * backpressure: past `highWaterBytes` buffered it waits for `bufferedamountlow`. Hashes the
 * bytes as they go and resolves with their SHA-256 (lowercase hex) after the last one.
 */
export async function streamBlob(blob: Blob, sink: ChunkSink, options: StreamOptions): Promise<string> {
  const { chunkBytes, signal } = options;
  if (!(chunkBytes >= 1)) throw new RangeError(`streamBlob: chunkBytes must be at least 1, not ${chunkBytes}.`);
  const hash = sha256.create();
  sink.bufferedAmountLowThreshold = options.lowWaterBytes;
  let offset = 0;
  while (offset < blob.size) {
    if (sink.bufferedAmount > options.highWaterBytes) await drained(sink, signal);
    signal.throwIfAborted();
    const chunk = await blob.slice(offset, Math.min(offset + chunkBytes, blob.size)).arrayBuffer();
    signal.throwIfAborted();
    if (chunk.byteLength === 0) throw new Error("The file got shorter while it was being sent.");
    hash.update(new Uint8Array(chunk));
    sink.send(chunk);
    offset += chunk.byteLength;
    options.onProgress(offset);
  }
  return bytesToHex(hash.digest());
}

/** Resolves once the buffer is down to the low-water mark; rejects if the channel closes or `signal` aborts first. */
function drained(sink: ChunkSink, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const finish = (error?: unknown) => {
      sink.removeEventListener("bufferedamountlow", onLow);
      sink.removeEventListener("close", onClose);
      signal.removeEventListener("abort", onAbort);
      if (error === undefined) resolve();
      else reject(error);
    };
    const onLow = () => finish();
    const onClose = () => finish(new Error("The data channel closed while the file was being sent."));
    const onAbort = () => finish(signal.reason);
    sink.addEventListener("bufferedamountlow", onLow);
    sink.addEventListener("close", onClose);
    signal.addEventListener("abort", onAbort);
    // It may have drained between the check and the subscription.
    if (sink.bufferedAmount <= sink.bufferedAmountLowThreshold) onLow();
    else if (sink.readyState !== "open") onClose();
    else if (signal.aborted) onAbort();
  });
}
