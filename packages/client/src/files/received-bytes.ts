import { MAX_FILE_CHUNK_BYTES } from "@switchboard/protocol";
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex } from "@noble/hashes/utils.js";

/**
 * Received bytes are copied into one buffer of this size, folded into a Blob whenever it is full:
 * a browser keeps Blob data out of the page's heap (and may page it to disk), so a large file
 * does not sit in ArrayBuffers, and however small the chunks a sender picks (one byte each, say),
 * a transfer holds one buffer and a Blob per this many bytes, not an object per chunk.
 */
const FOLD_BYTES = 4 * 1024 * 1024;

/**
 * The bytes of one incoming file as they arrive: never more than the announced size, no chunk
 * over MAX_FILE_CHUNK_BYTES, hashed incrementally (SHA-256) so that the file can be checked
 * against the sender's digest without reading it again.
 */
export class ReceivedBytes {
  readonly #hash = sha256.create();
  readonly #parts: Blob[] = [];
  /** Allocated at the first chunk, at most the file's size. */
  #buffer: Uint8Array<ArrayBuffer> | null = null;
  #filled = 0;
  #received = 0;

  constructor(
    readonly size: number,
    readonly mime: string,
  ) {}

  get received(): number {
    return this.#received;
  }

  get complete(): boolean {
    return this.#received === this.size;
  }

  /** Takes one chunk; throws a RangeError (saying why) for one the announcement does not allow. */
  add(chunk: ArrayBuffer): void {
    if (chunk.byteLength === 0) throw new RangeError("The sender sent an empty chunk.");
    if (chunk.byteLength > MAX_FILE_CHUNK_BYTES) throw new RangeError(`The sender sent a chunk of ${chunk.byteLength} bytes (at most ${MAX_FILE_CHUNK_BYTES}).`);
    if (this.#received + chunk.byteLength > this.size) throw new RangeError(`The sender sent more than the ${this.size} bytes it announced.`);
    const bytes = new Uint8Array(chunk);
    this.#hash.update(bytes);
    this.#received += bytes.byteLength;
    const buffer = (this.#buffer ??= new Uint8Array(Math.min(FOLD_BYTES, this.size)));
    for (let offset = 0; offset < bytes.byteLength; ) {
      const taken = Math.min(buffer.byteLength - this.#filled, bytes.byteLength - offset);
      buffer.set(bytes.subarray(offset, offset + taken), this.#filled);
      this.#filled += taken;
      offset += taken;
      if (this.#filled === buffer.byteLength) this.#fold();
    }
  }

  /** The SHA-256 of everything received (lowercase hex). Once: the hash is finished after it. */
  digest(): string {
    return bytesToHex(this.#hash.digest());
  }

  /** The file, of the announced type. */
  blob(): Blob {
    this.#fold();
    return new Blob(this.#parts, { type: this.mime });
  }

  #fold(): void {
    if (!this.#buffer || this.#filled === 0) return;
    // Blob copies the bytes, so the buffer is free for the next ones.
    this.#parts.push(new Blob([this.#buffer.subarray(0, this.#filled)]));
    this.#filled = 0;
  }
}
