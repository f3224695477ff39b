import type { Frame } from "../wire/frame.js";

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
