import type { ErrorCode, Ref } from "@switchboard/protocol";
import type { Frame } from "../wire/frame.js";

/**
 * What the hub knows of a connected user: no socket, just identity and a way to send.
 * Sessions implement it; users on other nodes are `RemotePeer`s; unit tests use plain objects.
 */
export interface Peer {
  readonly id: string;
  /** The user's name once logged in. */
  readonly name: string | null;
  /** Said `hello`: gets presence deltas and raw chat text instead of the article's formats. */
  readonly modern: boolean;
  /** The node holding the user's connection, when that is another node; undefined: this one. */
  readonly node?: string;
  /** Signed in with a moderator's token (AUTH=jwt): moderates every room it is in. */
  readonly moderator?: boolean;
  /** `shared`: this very frame goes to many peers, so whoever keeps it should not copy it. */
  send(frame: Frame, shared?: boolean): void;
  /** Something the user sent failed after the hub accepted it (a relay whose target had gone). */
  refused?(code: ErrorCode, detail: string, ref?: Ref): void;
}
