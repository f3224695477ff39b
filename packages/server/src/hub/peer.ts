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
 * What the hub knows of a connected user: no socket, just identity and a way to send.
 * Sessions implement it; unit tests use plain objects.
 */
export interface Peer {
  readonly id: string;
  /** The user's name once logged in. */
  readonly name: string | null;
  /** Said `hello`: gets presence deltas and raw chat text instead of the article's formats. */
  readonly modern: boolean;
  /** `shared`: this very frame goes to many peers, so whoever keeps it should not copy it. */
  send(frame: Frame, shared?: boolean): void;
}
