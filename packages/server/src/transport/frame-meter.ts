/**
 * Follows the frames a client sends (RFC 6455 §5.2), reading headers only and skipping
 * payloads, to know how many bytes of a message that has not finished arriving the WebSocket
 * layer is holding for this connection. ws bounds one message (`maxPayload`, fragments
 * included); this lets the endpoint bound them all together.
 */
export class FrameMeter {
  /** Bytes (headers and payloads) of the data frames of the message still arriving. */
  unfinished = 0;
  /** A header split across chunks, gathered byte by byte; made the first time one is (rare). */
  #header: Uint8Array | undefined;
  #headerHave = 0;
  #headerNeed = 2;
  #payloadLeft = 0;
  /** The current frame is text, binary or a continuation, not a control frame. */
  #data = false;
  #fin = false;

  /** Reads the next bytes received; returns how much `unfinished` changed. */
  write(chunk: Uint8Array): number {
    const before = this.unfinished;
    const length = chunk.length;
    let offset = 0;
    while (offset < length) {
      if (this.#payloadLeft > 0) {
        const take = Math.min(this.#payloadLeft, length - offset);
        offset += take;
        this.#payloadLeft -= take;
        if (this.#data) this.unfinished += take;
        if (this.#payloadLeft === 0) this.#endFrame();
        continue;
      }
      if (this.#headerHave === 0 && length - offset >= 14) {
        // The whole header is in this chunk (the common case): read it in place.
        offset += this.#startFrame(chunk, offset);
        continue;
      }
      const header = (this.#header ??= new Uint8Array(14));
      header[this.#headerHave++] = chunk[offset++]!;
      if (this.#headerHave === 2) {
        const second = header[1]!;
        const length7 = second & 0x7f;
        this.#headerNeed = 2 + (length7 === 126 ? 2 : length7 === 127 ? 8 : 0) + (second & 0x80 ? 4 : 0);
      }
      if (this.#headerHave === this.#headerNeed) {
        this.#startFrame(header, 0);
        this.#headerHave = 0;
        this.#headerNeed = 2;
      }
    }
    return this.unfinished - before;
  }

  /** Reads the frame header at `at` of `bytes` (all of it is there); returns its length. */
  #startFrame(bytes: Uint8Array, at: number): number {
    const second = bytes[at + 1]!;
    const length7 = second & 0x7f;
    let payload = length7;
    let headerLength = 2;
    if (length7 === 126) {
      payload = (bytes[at + 2]! << 8) | bytes[at + 3]!;
      headerLength = 4;
    } else if (length7 === 127) {
      payload = readUint32(bytes, at + 2) * 2 ** 32 + readUint32(bytes, at + 6);
      headerLength = 10;
    }
    if (second & 0x80) headerLength += 4; // the mask
    const first = bytes[at]!;
    this.#fin = (first & 0x80) !== 0;
    this.#data = (first & 0x08) === 0; // opcodes 0-7: continuation, text, binary
    if (this.#data) this.unfinished += headerLength;
    this.#payloadLeft = payload;
    if (payload === 0) this.#endFrame();
    return headerLength;
  }

  #endFrame(): void {
    // The last frame of a message is whole: ws hands the message on and keeps nothing of it.
    if (this.#data && this.#fin) this.unfinished = 0;
  }
}

function readUint32(bytes: Uint8Array, at: number): number {
  return ((bytes[at]! << 24) | (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!) >>> 0;
}
