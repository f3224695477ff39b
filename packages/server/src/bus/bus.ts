import type { DeliveredChatMessage, GroupCallMedia, Ref } from "@switchboard/protocol";
import type { GroupCallPolicy, GroupRefusal } from "./group-admission.js";

/**
 * The fan-out between nodes, the way socket.io's Adapter is: one interface, an in-memory
 * implementation (one process, the default) and a Redis one (a cluster), both held to one
 * contract suite (packages/server/test/support/bus-contract.ts).
 *
 * The bus carries what the cluster shares: who is logged in where (claimed atomically), busy
 * status, group calls, public chat, and messages for users on other nodes. Each node keeps a
 * replica of the shared state (the hub), so routing needs no round trip: the bus is told of
 * changes and carries them to the other nodes, never back to their origin (a node applies its
 * own changes as it makes them). Liveness is a heartbeat: a node that stops beating has its
 * users removed by the others.
 */
export interface Bus {
  /** This node's id, unique in the cluster. */
  readonly nodeId: string;
  /** False while the shared store is unreachable: the node serves the users it holds, no more. */
  readonly up: boolean;
  /** Times the shared store was lost since start. */
  readonly outages: number;

  /** Joins the cluster: `listener` gets its state (`reset`), then every change. */
  start(listener: BusListener): Promise<void>;
  /** Leaves the cluster (what this node still holds is released first by its owner). */
  close(): Promise<void>;

  /**
   * Claims `request.name` in its room, atomically cluster-wide: refused, with the keys found
   * taken, when any of its look-alike keys belongs to another user. Opens the room if it has
   * no user anywhere. Rejects with `BusUnavailableError` while the store is unreachable.
   */
  claim(request: ClaimRequest): Promise<ClaimResult>;
  /**
   * The user logged out: frees its name (if still `session`'s) and takes it out of the group call.
   * `removed`: a moderator removed it (its node, told, ends its session).
   */
  release(room: string, name: string, session: string, removed?: boolean): void;
  /**
   * Changes the room's moderation settings, read and written in one step in the store (two
   * moderators at once lose neither change); resolves with them, or undefined when the room is
   * not open. Rejects while unreachable.
   */
  changeSettings(room: string, change: SettingsChange): Promise<RoomSettings | undefined>;
  setBusy(room: string, name: string, session: string, busy: boolean): void;
  /** Joins the room's group call, as `policy` admits (see group-admission.ts). Rejects while unreachable. */
  groupJoin(room: string, name: string, policy: GroupCallPolicy): Promise<GroupCallState | GroupRefusal>;
  groupLeave(room: string, name: string): Promise<GroupCallState>;
  /** Numbers a public chat message in its room's history and keeps the last `historySize`. */
  postChat(room: string, message: UnnumberedChat, historySize: number): Promise<DeliveredChatMessage>;
  /** To every user of `room` on the other nodes. */
  broadcast(room: string, frame: Uint8Array): void;
  /** To one user on `node`; `BusListener.undelivered` comes back when it is not there. */
  relay(node: string, delivery: Delivery): void;
  /** Tells a relay's origin node that its target was not found. */
  undelivered(delivery: Delivery): void;

  /** Where the session holding a resume token (its hash) is, if any node has it. */
  findResumable(tokenHash: string): Promise<ResumableRecord | undefined>;
  rememberResumable(tokenHash: string, record: ResumableSession): void;
  /** `graceMs`: keep it that long (a node gone: its users may come back), else forget it now. */
  forgetResumable(tokenHash: string, graceMs?: number): void;
  /**
   * Asks `node` for the session holding `token`, to resume it here. `undefined`: the node has
   * no such session; "unreachable": the node is gone (or did not answer in time).
   */
  takeSession(node: string, token: string): Promise<SessionHandover | undefined | "unreachable">;
}

/** What the bus reports to its node. */
export interface BusListener {
  /** Another node's change (never this node's own). */
  event(event: ClusterEvent): void;
  /** A message for a user on this node. */
  relay(delivery: Delivery): void;
  /** A relay sent from here did not reach its target. */
  undelivered(delivery: Delivery): void;
  /** Another node takes over the session holding `token` (a client resuming there). */
  handOver(token: string, to: string): SessionHandover | undefined;
  /** What this node holds: written back to the store when it was lost. */
  localState(): LocalState;
  /**
   * The cluster's state: at start, and after an outage once this node's users are restored.
   * `lost`: this node's users whose names others claimed meanwhile.
   */
  reset(snapshot: ClusterSnapshot, lost: readonly MemberRecord[]): void;
  /** The store became reachable, or not. */
  health(up: boolean): void;
}

/** One logged-in user as the cluster knows it. */
export interface MemberRecord {
  /** The room as the cluster spells it (its first user's spelling). */
  room: string;
  name: string;
  /** The session's id: unique cluster-wide, and what changes when another session takes the name. */
  session: string;
  node: string;
  /** Said `hello`; else it speaks only the article's protocol. */
  modern: boolean;
  busy: boolean;
  /** Signed in with a moderator's token (AUTH=jwt). */
  moderator?: boolean;
  /** Its place in the room's login order, the store's (a move keeps it): every node orders the room alike. */
  place?: number;
}

/** What a room's moderators set; it goes with the room. */
export interface RoomSettings {
  /** Each change takes the next: a replica keeps the newest it has seen. */
  version: number;
  /** New logins are refused (see `RoomModeration.refusal`). */
  locked: boolean;
  /** The password's hash (see room-password.ts); absent: none. */
  password?: string;
  /** `removedKey`s of the names its moderators removed: they cannot log in again while the room lasts. */
  removed?: string[];
}

/** One moderator's change; what it leaves out stays as it is. */
export interface SettingsChange {
  locked?: boolean;
  password?: string;
  clearPassword?: true;
  /** Added to `removed` (the oldest are forgotten past `MAX_REMOVED`). */
  removed?: string[];
}

/** Most removed names a room remembers. */
export const MAX_REMOVED = 200;

export const NO_SETTINGS: RoomSettings = { version: 0, locked: false };

export interface ClaimRequest {
  /** The requested room as checked (`checkedRoomName`): its spelling and look-alike keys. */
  room: { name: string; keys: readonly string[] };
  name: string;
  /** `usernameKeys(name)`. */
  nameKeys: readonly string[];
  session: string;
  modern: boolean;
  moderator?: boolean;
  /**
   * A session this one takes the place of (its client resumed here after its node died): that
   * session's name counts as free, and claiming it moves the user instead of a leave and a join.
   */
  replaces?: string;
}

export type ClaimResult =
  | {
      ok: true;
      member: MemberRecord;
      /** The user was there already, under the session it `replaces`: nobody sees it leave or join. */
      moved: boolean;
    }
  | { ok: false; room: string; takenKeys: string[] };

export interface GroupCallState {
  room: string;
  /** In join order. */
  participants: string[];
  /** Orders the states of one room's group call: a later one replaces an earlier. */
  version: number;
  /** How the call carries media ("mesh" when nobody is in it). */
  media: GroupCallMedia;
}

export interface UnnumberedChat {
  type: "message";
  name: string;
  text: string;
  date: number | string;
}

export type ClusterEvent =
  | { kind: "joined"; member: MemberRecord }
  | { kind: "left"; room: string; name: string; session: string; removed?: boolean }
  | { kind: "moved"; member: MemberRecord; previousSession: string }
  | { kind: "status"; room: string; name: string; session: string; busy: boolean }
  | ({ kind: "group" } & GroupCallState)
  | { kind: "chat"; room: string; message: DeliveredChatMessage }
  | { kind: "broadcast"; room: string; frame: Uint8Array }
  | { kind: "settings"; room: string; settings: RoomSettings };

/** A message for one user on another node, and enough to answer its sender when it is not there. */
export interface Delivery {
  room: string;
  to: string;
  toSession: string;
  from: string;
  fromSession: string;
  fromNode: string;
  /** The message's type, for the call tracking of the recipient's node. */
  type: string;
  ref?: Ref;
  frame: Uint8Array;
  /** Times it was passed on (a user that moved): at most once. */
  hops: number;
}

export interface ResumableSession {
  room: string;
  name: string;
  session: string;
}

export interface ResumableRecord extends ResumableSession {
  /** The node holding the session, and whether it still beats. */
  node: string;
  alive: boolean;
}

/** A session on its way to another node: what it is, and the frames its client has not confirmed. */
export interface SessionHandover {
  state: Record<string, unknown>;
  frames: Uint8Array[];
}

export interface RoomSnapshot {
  room: string;
  /** In login order. */
  members: MemberRecord[];
  group: GroupCallState;
  /** Oldest first. */
  history: DeliveredChatMessage[];
  settings: RoomSettings;
}

export interface ClusterSnapshot {
  rooms: RoomSnapshot[];
}

/** A user of this node, with what claiming its name again takes. */
export interface LocalMember extends MemberRecord {
  roomKeys: readonly string[];
  nameKeys: readonly string[];
}

export interface LocalState {
  members: LocalMember[];
  /** Group calls with a user of this node: who of this node is in them. */
  groupCalls: { room: string; participants: string[]; media: GroupCallMedia }[];
  /** The public chat this node has seen, per room of its users: seeds a history the store lost. */
  histories: { room: string; messages: DeliveredChatMessage[] }[];
  /** The settings of the rooms of its users: restored where the store lost them. */
  settings: { room: string; settings: RoomSettings }[];
}

/** The shared store is unreachable: the operation did not happen. */
export class BusUnavailableError extends Error {
  constructor(cause?: unknown) {
    super("the cluster's shared store is unreachable", { cause });
    this.name = "BusUnavailableError";
  }
}
