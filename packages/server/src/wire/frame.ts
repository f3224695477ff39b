/**
 * A frame ready to write: a string, bytes encoded once and shared by many recipients, or
 * `FrameParts`, one message whose bytes are the concatenation of shared pieces.
 */
export type Frame = string | Uint8Array | FrameParts;

/**
 * One message made of byte ranges that other frames share: a session keeps a reference to the
 * parts (for resuming) rather than its own copy. The transport joins them when it writes, so on
 * the wire this is one ordinary text message. `byteLength` is the message's size.
 */
export class FrameParts {
  readonly byteLength: number;

  constructor(readonly parts: readonly Uint8Array[]) {
    let length = 0;
    for (const part of parts) length += part.byteLength;
    this.byteLength = length;
  }

  /** The message as one buffer. */
  join(): Buffer {
    return Buffer.concat(this.parts, this.byteLength);
  }
}

/**
 * `,"name":<name>,"from":<name>}`: what `stampSender` puts in place of an object's closing
 * brace. `name` is the article's sender field; `from` marks the frame as relayed (see
 * `RelayedAppMessage` in the protocol package).
 */
export function senderStamp(name: string): Buffer {
  const json = JSON.stringify(name);
  return Buffer.from(`,"name":${json},"from":${json}}`);
}

/**
 * The UTF-8 JSON of an object with the sender stamped as its last members (`stamp` from
 * `senderStamp`), built from the bytes the object was parsed from, which must have neither a
 * `name` nor a `from` of its own. The result parses to what `JSON.stringify` of the object with
 * both set would give, without serializing the payload again nor encoding it again on its way
 * out: an offer's SDP is kilobytes, and re-serializing it was the largest cost of relaying
 * (docs/performance.md). `bytes` parsed to an object, so its last `}` closes it.
 */
export function stampSender(bytes: Buffer, stamp: Buffer): Buffer {
  const end = bytes.lastIndexOf(0x7d);
  return Buffer.concat([bytes.subarray(0, end), stamp], end + stamp.length);
}
