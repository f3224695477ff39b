import type { DeliveredChatMessage, GroupCallMedia } from "@switchboard/protocol";
import { admitToGroupCall, type GroupCallPolicy, type GroupRefusal } from "./group-admission.js";
import type {
  ClaimRequest,
  ClaimResult,
  ClusterEvent,
  ClusterSnapshot,
  GroupCallState,
  LocalState,
  MemberRecord,
  ResumableRecord,
  ResumableSession,
  RoomSettings,
  RoomSnapshot,
  SettingsChange,
  UnnumberedChat,
} from "./bus.js";
import { MAX_REMOVED, NO_SETTINGS } from "./bus.js";
import { removedKey } from "./removed-key.js";

interface StoredRoom {
  name: string;
  keys: readonly string[];
  /** Each look-alike key of a name in use, to that name. */
  names: Map<string, string>;
  /** In login order (a Map keeps insertion order; a move keeps the place). */
  members: Map<string, MemberRecord & { keys: readonly string[] }>;
  group: Set<string>;
  groupVersion: number;
  /** The group call's media while anyone is in it. */
  groupMedia: GroupCallMedia;
  seq: number;
  /** Logins and group-call joins so far, as the scripts count them: the next login's `place`. */
  joins: number;
  history: DeliveredChatMessage[];
  /** Absent until a moderator sets them. */
  settings?: RoomSettings;
}


/** Where an event goes: to every node but its origin. */
export type Publish = (origin: string, event: ClusterEvent) => void;

/**
 * The cluster's shared state in one process: what Redis holds for a cluster, with the same
 * rules as redis-scripts.ts, one operation at a time (as Redis runs scripts). Each change is
 * published for the other nodes.
 */
export class MemoryStore {
  readonly #roomByKey = new Map<string, StoredRoom>();
  readonly #rooms = new Map<string, StoredRoom>();
  readonly #sessions = new Map<string, { room: string; name: string }>();
  readonly #resumables = new Map<string, { record: ResumableSession; expiresAt: number }>();

  constructor(private readonly publish: Publish) {}

  claim(node: string, request: ClaimRequest): ClaimResult {
    const room = this.#findRoom(request.room.keys) ?? this.#openRoom(request.room.name, request.room.keys);
    const replaced = request.replaces === undefined ? undefined : this.#memberOfSession(request.replaces);
    const replacedName = replaced?.room === room.name ? replaced.name : undefined;
    const takenKeys = request.nameKeys.filter((key) => room.names.has(key) && room.names.get(key) !== replacedName);
    if (takenKeys.length > 0) return { ok: false, room: room.name, takenKeys };
    const member: MemberRecord = { room: room.name, name: request.name, session: request.session, node, modern: request.modern, busy: false };
    if (request.moderator) member.moderator = true;
    if (replaced && replacedName === request.name) {
      const previous = room.members.get(request.name)!;
      // The same session on another node (handed over) is still busy; a new one starts out available.
      if (previous.session === member.session) member.busy = previous.busy;
      if (previous.place !== undefined) member.place = previous.place;
      room.members.set(request.name, { ...member, keys: previous.keys });
      this.#sessions.delete(previous.session);
      this.#sessions.set(member.session, { room: room.name, name: member.name });
      this.publish(node, { kind: "moved", member, previousSession: previous.session });
      return { ok: true, member, moved: true };
    }
    if (replaced) this.release(node, replaced.room, replaced.name, request.replaces!);
    // The room may have closed with the replaced user.
    const target = this.#rooms.get(room.name) ?? this.#openRoom(room.name, room.keys);
    for (const key of request.nameKeys) target.names.set(key, request.name);
    member.place = ++target.joins;
    target.members.set(request.name, { ...member, keys: request.nameKeys });
    this.#sessions.set(member.session, { room: target.name, name: member.name });
    this.publish(node, { kind: "joined", member });
    return { ok: true, member, moved: false };
  }

  release(origin: string, roomName: string, name: string, session: string, removed?: boolean): void {
    const room = this.#rooms.get(roomName);
    const member = room?.members.get(name);
    if (!room || member?.session !== session) return;
    room.members.delete(name);
    for (const key of member.keys) if (room.names.get(key) === name) room.names.delete(key);
    if (room.group.delete(name)) room.groupVersion++;
    this.#sessions.delete(session);
    this.publish(origin, removed ? { kind: "left", room: room.name, name, session, removed } : { kind: "left", room: room.name, name, session });
    if (room.members.size === 0) this.#closeRoom(room);
  }

  setBusy(origin: string, roomName: string, name: string, session: string, busy: boolean): void {
    const member = this.#rooms.get(roomName)?.members.get(name);
    if (member?.session !== session || member.busy === busy) return;
    member.busy = busy;
    this.publish(origin, { kind: "status", room: roomName, name, session, busy });
  }

  changeSettings(origin: string, roomName: string, change: SettingsChange): RoomSettings | undefined {
    const room = this.#rooms.get(roomName);
    if (!room) return undefined;
    const { password: _password, ...current } = room.settings ?? NO_SETTINGS;
    const settings: RoomSettings = { ...current, version: current.version + 1 };
    if (change.locked !== undefined) settings.locked = change.locked;
    const password = change.clearPassword ? undefined : (change.password ?? room.settings?.password);
    if (password !== undefined) settings.password = password;
    if (change.removed) settings.removed = [...(current.removed ?? []), ...change.removed].slice(-MAX_REMOVED);
    room.settings = settings;
    this.publish(origin, { kind: "settings", room: roomName, settings: { ...settings } });
    return { ...settings };
  }

  groupJoin(origin: string, roomName: string, name: string, policy: GroupCallPolicy): GroupCallState | GroupRefusal {
    const room = this.#rooms.get(roomName);
    if (!room?.members.has(name)) return { room: roomName, participants: [], version: room?.groupVersion ?? 0, media: "mesh" };
    if (room.group.has(name)) return this.#groupState(room);
    const admission = admitToGroupCall(room.group.size, room.groupMedia, policy);
    if (typeof admission === "string") return admission;
    room.groupMedia = admission.media;
    room.group.add(name);
    room.joins++;
    return this.#groupChanged(origin, room);
  }

  groupLeave(origin: string, roomName: string, name: string): GroupCallState {
    const room = this.#rooms.get(roomName);
    if (!room) return { room: roomName, participants: [], version: 0, media: "mesh" };
    if (!room.group.delete(name)) return this.#groupState(room);
    return this.#groupChanged(origin, room);
  }

  postChat(origin: string, roomName: string, message: UnnumberedChat, historySize: number): DeliveredChatMessage {
    const room = this.#rooms.get(roomName);
    const delivered: DeliveredChatMessage = { ...message, seq: room ? ++room.seq : 0 };
    if (!room) return delivered;
    room.history.push(delivered);
    if (room.history.length > historySize) room.history.splice(0, room.history.length - historySize);
    this.publish(origin, { kind: "chat", room: room.name, message: delivered });
    return delivered;
  }

  /** Removes every user of a node that stopped beating, as if each had logged out. */
  reap(node: string, resumeGraceMs: number, now: number): void {
    for (const room of [...this.#rooms.values()]) {
      for (const member of [...room.members.values()]) {
        if (member.node === node) this.release(node, room.name, member.name, member.session);
      }
    }
    for (const kept of this.#resumables.values()) {
      if (!this.#sessions.has(kept.record.session)) kept.expiresAt = Math.min(kept.expiresAt, now + resumeGraceMs);
    }
  }

  findResumable(tokenHash: string, now: number, isAlive: (node: string) => boolean): ResumableRecord | undefined {
    const kept = this.#resumables.get(tokenHash);
    if (!kept) return undefined;
    if (kept.expiresAt <= now) {
      this.#resumables.delete(tokenHash);
      return undefined;
    }
    const node = this.#nodeOfSession(kept.record.session);
    return { ...kept.record, node: node ?? "", alive: node !== undefined && isAlive(node) };
  }

  rememberResumable(tokenHash: string, record: ResumableSession): void {
    this.#resumables.set(tokenHash, { record, expiresAt: Infinity });
  }

  forgetResumable(tokenHash: string, graceMs: number | undefined, now: number): void {
    if (graceMs === undefined) this.#resumables.delete(tokenHash);
    else {
      const kept = this.#resumables.get(tokenHash);
      if (kept) kept.expiresAt = now + graceMs;
    }
  }

  /**
   * Writes back what `node` holds after the store lost track of it: its users, unless their
   * names were claimed meanwhile (returned: `lost`), with their busy status; its users' places in
   * group calls, as the node has them; and the history of rooms whose history is gone. Its
   * users the store has and it does not are released.
   */
  restore(node: string, state: LocalState): MemberRecord[] {
    const holds = new Set(state.members.map((member) => member.session));
    for (const room of [...this.#rooms.values()]) {
      for (const member of [...room.members.values()]) {
        if (member.node === node && !holds.has(member.session)) this.release(node, room.name, member.name, member.session);
      }
    }
    const lost: MemberRecord[] = [];
    for (const member of state.members) {
      const current = this.#rooms.get(member.room)?.members.get(member.name);
      // A moderator removed it while its node was cut off: it stays out.
      const removed = this.#rooms.get(member.room)?.settings?.removed;
      if (current?.session !== member.session && removed && member.nameKeys.some((key) => removed.includes(removedKey(key)))) {
        lost.push(member);
        continue;
      }
      if (current?.session !== member.session) {
        const result = this.claim(node, {
          room: { name: member.room, keys: this.#rooms.get(member.room)?.keys ?? member.roomKeys },
          name: member.name,
          nameKeys: member.nameKeys,
          session: member.session,
          modern: member.modern,
          ...(member.moderator && { moderator: true }),
        });
        if (!result.ok) {
          lost.push(member);
          continue;
        }
      }
      this.setBusy(node, member.room, member.name, member.session, member.busy);
    }
    // The group calls as this node has them: its users in them joined or left meanwhile.
    const inGroupCalls = new Map(state.groupCalls.map((call) => [call.room, call]));
    for (const room of this.#rooms.values()) {
      const call = inGroupCalls.get(room.name);
      const local = new Set(call?.participants);
      if (call && room.group.size === 0) room.groupMedia = call.media;
      let changed = false;
      for (const name of room.group) {
        if (room.members.get(name)?.node === node && !local.has(name)) changed = room.group.delete(name) || changed;
      }
      for (const name of local) {
        if (room.members.get(name)?.node !== node || room.group.has(name)) continue;
        room.group.add(name);
        room.joins++;
        changed = true;
      }
      if (changed) this.#groupChanged(node, room);
    }
    for (const { room: roomName, messages } of state.histories) {
      const room = this.#rooms.get(roomName);
      if (!room || room.history.length > 0 || messages.length === 0) continue;
      room.history = [...messages];
      room.seq = Math.max(room.seq, ...messages.map((message) => message.seq ?? 0));
    }
    for (const { room: roomName, settings } of state.settings) {
      const room = this.#rooms.get(roomName);
      if (room && !room.settings) room.settings = { ...settings };
    }
    return lost;
  }

  snapshot(): ClusterSnapshot {
    const rooms: RoomSnapshot[] = [];
    for (const room of this.#rooms.values()) {
      rooms.push({
        room: room.name,
        members: [...room.members.values()].map(({ keys: _keys, ...member }) => ({ ...member })),
        group: this.#groupState(room),
        history: [...room.history],
        settings: { ...(room.settings ?? NO_SETTINGS) },
      });
    }
    return { rooms };
  }

  #groupChanged(origin: string, room: StoredRoom): GroupCallState {
    room.groupVersion++;
    const state = this.#groupState(room);
    this.publish(origin, { kind: "group", ...state });
    return state;
  }

  #groupState(room: StoredRoom): GroupCallState {
    const media = room.group.size > 0 ? room.groupMedia : "mesh";
    return { room: room.name, participants: [...room.group], version: room.groupVersion, media };
  }

  #memberOfSession(session: string): { room: string; name: string } | undefined {
    return this.#sessions.get(session);
  }

  #nodeOfSession(session: string): string | undefined {
    const where = this.#sessions.get(session);
    return where && this.#rooms.get(where.room)?.members.get(where.name)?.node;
  }

  #findRoom(keys: readonly string[]): StoredRoom | undefined {
    for (const key of keys) {
      const room = this.#roomByKey.get(key);
      if (room) return room;
    }
    return undefined;
  }

  #openRoom(name: string, keys: readonly string[]): StoredRoom {
    const room: StoredRoom = { name, keys, names: new Map(), members: new Map(), group: new Set(), groupVersion: 0, groupMedia: "mesh", seq: 0, joins: 0, history: [] };
    this.#rooms.set(name, room);
    for (const key of keys) this.#roomByKey.set(key, room);
    return room;
  }

  #closeRoom(room: StoredRoom): void {
    this.#rooms.delete(room.name);
    for (const key of room.keys) if (this.#roomByKey.get(key) === room) this.#roomByKey.delete(key);
  }
}
