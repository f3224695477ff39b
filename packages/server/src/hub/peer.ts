/** A frame ready to write: a string, or bytes encoded once and shared by many recipients. */
export type Frame = string | Uint8Array;

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
  send(frame: Frame): void;
}
