import { LOBBY_ROOM, type ChatMessage, type ModerateMessage, type ModeratedMessage, type Ref, type UserStatus } from "@switchboard/protocol";
import { roomPasswordMatches } from "../auth/room-password.js";
import { BusUnavailableError, type Bus, type Delivery } from "../bus/bus.js";
import type { DecodedMessage } from "../wire/codec.js";
import { ProtocolError } from "../wire/protocol-error.js";
import { groupCallRefused } from "./group-call.js";
import { meshOnly, type GroupMedia } from "./group-media.js";
import { moderate } from "./moderator-actions.js";
import type { Peer } from "./peer.js";
import { Room, type RoomOptions } from "./room.js";
import { chooseName } from "./room-members.js";
import { checkedRoomName } from "./room-name.js";
import { untilStored } from "./store-call.js";

/** The rooms' options; without `groupMedia`, group calls are meshes only. */
export type HubOptions = Omit<RoomOptions, "groupMedia"> & { groupMedia?: GroupMedia };

export interface HubHooks {
  /**
   * A user of this node lost its name to another session (restored after an outage), or a
   * moderator `removed` it: it is logged out here.
   */
  lost(peer: Peer, removed: boolean): void;
}

export interface LoginOptions {
  /** Runs once the name is taken, before anything is sent (see `Room.admit`): the name, and the room as spelled. */
  admitted?: (name: string, room: string) => void;
  /** A session of another node this one takes over (see `ClaimRequest`): it was in the room already. */
  replaces?: { session: string; name: string };
  /** The room's password, when it has one. */
  password?: string;
  /** AUTH=jwt: the name is the token's, so it is refused (`name-in-use`) rather than renamed. */
  exactName?: boolean;
  /** `switchRoom` checked the password already, before leaving the old room (scrypt is dear). */
  passwordChecked?: boolean;
}

/** A login waiting for the store; a logout meanwhile cancels it. */
interface Joining {
  cancelled: boolean;
}

/** Claims refused because another node took the name first; past this, something is wrong. */
const MAX_CLAIM_ATTEMPTS = 8;

/**
 * The rooms, and which room each of this node's peers is in: the domain, free of sockets. A room
 * comes into being with its first user and is gone (timers stopped, history freed) with its
 * last. Rooms are told apart by `usernameKeys`, so look-alike spellings name one room, which
 * keeps the spelling of whoever opened it. Everything a peer does happens in its own room.
 *
 * What the cluster shares goes through the bus: a login claims its name there, public chat is
 * numbered there, group-call places are taken there; the other nodes' changes come back as
 * events (see `HubReplica`) and keep every room's replica current, so that routing stays local.
 */
export class Hub {
  /** Each room under each of its keys. */
  readonly #byKey = new Map<string, Room>();
  readonly #rooms = new Set<Room>();
  readonly #roomOf = new Map<Peer, Room>();
  readonly #joining = new Map<Peer, Joining>();
  #userCount = 0;
  readonly #roomOptions: RoomOptions;

  constructor(
    private readonly options: HubOptions,
    readonly bus: Bus,
    private readonly hooks: HubHooks = { lost: () => {} },
  ) {
    this.#roomOptions = { ...options, groupMedia: options.groupMedia ?? meshOnly(options.maxMeshParticipants) };
  }

  /** This node's logged-in users. */
  get userCount(): number {
    return this.#userCount;
  }

  /** Rooms with a user of this node. */
  get roomCount(): number {
    let count = 0;
    for (const room of this.#rooms) if (room.localUserCount > 0) count++;
    return count;
  }

  /** People in group calls, all rooms together. */
  get groupCallParticipants(): number {
    let count = 0;
    for (const room of this.#rooms) count += room.groupCallSize;
    return count;
  }

  /**
   * Logs `peer` into `room` (the lobby by default) under `requested`, renamed by the article's
   * rule if that name looks like one in use there; see `Room.admit`. Resolves with the name
   * given. A locked room, or one with a password not given, refuses (`replaces` comes back).
   */
  async login(peer: Peer, requested: unknown, room: string = LOBBY_ROOM, options: LoginOptions = {}): Promise<string> {
    const { admitted, replaces } = options;
    if (this.#roomOf.has(peer) || this.#joining.has(peer)) throw new ProtocolError("already-logged-in");
    const checked = checkedRoomName(room);
    const joining: Joining = { cancelled: false };
    this.#joining.set(peer, joining);
    try {
      if (!replaces && !options.passwordChecked) await this.#checkPassword(peer, checked.keys, options.password);
      const taken = new Set<string>();
      for (let attempt = 0; attempt < MAX_CLAIM_ATTEMPTS; attempt++) {
        const known = this.#find(checked.keys);
        const chosen = known
          ? known.nameFor(requested, replaces?.name, taken)
          : chooseName(requested, (key) => taken.has(key));
        if (options.exactName && chosen.name !== chosen.requested) throw new ProtocolError("name-in-use");
        const refusal = known?.moderation.refusal(peer, chosen.name, replaces !== undefined);
        if (refusal) throw refusal;
        const result = await untilStored(() =>
          this.bus.claim({
            room: checked,
            name: chosen.name,
            nameKeys: chosen.keys,
            session: peer.id,
            modern: peer.modern,
            ...(peer.moderator && { moderator: true }),
            ...(replaces && { replaces: replaces.session }),
          }),
        );
        if (!result.ok) {
          for (const key of result.takenKeys) taken.add(key);
          continue;
        }
        const target = this.roomNamed(result.member.room);
        // It replaced a session under another name: the store released that one, telling only the others.
        if (replaces && !result.moved) this.forgetElsewhere(target.name, replaces.name, replaces.session);
        if (joining.cancelled) {
          this.bus.release(target.name, chosen.name, peer.id);
          this.closeIfEmpty(target);
          throw new ProtocolError("not-logged-in", "The connection closed during login.");
        }
        try {
          target.admit(peer, { ...chosen, place: result.member.place }, result.moved, admitted && ((given) => admitted(given, target.name)));
        } catch (error) {
          this.bus.release(target.name, chosen.name, peer.id);
          this.closeIfEmpty(target);
          throw error;
        }
        this.#roomOf.set(peer, target);
        this.#userCount++;
        return chosen.name;
      }
      throw new Error(`no name claimed after ${MAX_CLAIM_ATTEMPTS} attempts`);
    } finally {
      this.#joining.delete(peer);
    }
  }

  /** The user is gone: see `Room.remove`. An empty room goes with it. */
  logout(peer: Peer): void {
    const joining = this.#joining.get(peer);
    if (joining) joining.cancelled = true;
    const room = this.#forget(peer);
    if (room) this.bus.release(room.name, peer.name!, peer.id);
  }

  /**
   * Moves a logged-in `peer` to `room`: it leaves its room as on logout (presence, calls and
   * the group call there), then logs into the new one under `requested` (its name as first
   * requested, so a rename in one room does not follow it). Its own room already: nothing
   * changes. If the new login fails, the peer is logged in nowhere.
   */
  async switchRoom(peer: Peer, requested: unknown, room: string, options: Omit<LoginOptions, "replaces" | "passwordChecked"> = {}): Promise<string> {
    const current = this.#roomOf.get(peer);
    if (!current || peer.name === null) throw new ProtocolError("not-logged-in");
    const keys = checkedRoomName(room).keys;
    if (this.#find(keys) === current) {
      options.admitted?.(peer.name, current.name);
      return peer.name;
    }
    // Leaving needs no store, joining does: without one the user would end up in no room.
    if (!this.bus.up) throw new ProtocolError("unavailable");
    // A locked room or a wrong password leaves the user where it is.
    const refusal = this.#find(keys)?.moderation.refusal(peer, peer.name);
    if (refusal) throw refusal;
    await this.#checkPassword(peer, keys, options.password);
    this.logout(peer);
    return this.login(peer, requested, room, { ...options, passwordChecked: true });
  }

  /**
   * A moderator's request (see `moderate`), by `sender`; resolves with what everyone concerned
   * was told.
   */
  moderate(sender: Peer, message: ModerateMessage): Promise<ModeratedMessage> {
    const room = this.#roomOfSender(sender);
    const openLobby = this.options.moderatorRule === "first-member";
    return moderate({ room, bus: this.bus, by: room.nameOf(sender), remove: (target) => this.#removeFromRoom(room, target), openLobby }, message);
  }

  /** The room `peer` is logged into, as that room spells itself. */
  roomOf(peer: Peer): string | undefined {
    return this.#roomOf.get(peer)?.name;
  }

  /** How the room of a checked `name` is spelled: by whoever opened it, or `name` if none is open. */
  spellingOf(name: string): string {
    return this.#find(checkedRoomName(name).keys)?.name ?? name;
  }

  async chat(sender: Peer, message: ChatMessage, ref?: Ref): Promise<void> {
    const room = this.#roomOfSender(sender);
    const post = room.chat(sender, message, ref);
    if (!post) return;
    const delivered = await untilStored(() => this.bus.postChat(room.name, post, this.options.historySize));
    if (this.#rooms.has(room)) room.published(delivered);
  }

  /** `ref`: the message's, as the session checked it (what an `unknown-target` answer from another node carries). */
  relay(sender: Peer, message: DecodedMessage, source?: Buffer, ref?: Ref): void {
    const room = this.#roomOfSender(sender);
    const everyone = room.relay(sender, message, source, ref);
    // Only rooms with users elsewhere: a flood in a room of one node stays on that node.
    if (everyone && room.userCount > room.localUserCount) this.bus.broadcast(room.name, everyone);
  }

  setStatus(sender: Peer, status: UserStatus): void {
    const room = this.#roomOfSender(sender);
    if (room.setStatus(sender, status)) this.bus.setBusy(room.name, sender.name!, sender.id, status === "busy");
  }

  async groupJoin(sender: Peer): Promise<void> {
    const room = this.#roomOfSender(sender);
    const name = room.checkGroupJoin(sender);
    if (name === undefined) return;
    const policy = this.#roomOptions.groupMedia.policy();
    const state = await untilStored(() => this.bus.groupJoin(room.name, name, policy));
    if (typeof state === "string") throw groupCallRefused(state, room.groupCallMedia, policy);
    room.groupCallIs(state);
  }

  /** Leaves at once here; the store is told, and an outage's restore tells it if it cannot be now. */
  async groupLeave(sender: Peer): Promise<void> {
    const room = this.#roomOfSender(sender);
    const name = room.groupLeave(sender);
    if (name === undefined) return;
    try {
      room.groupCallIs(await this.bus.groupLeave(room.name, name));
    } catch (error) {
      if (!(error instanceof BusUnavailableError)) throw error;
    }
  }

  /** A message from another node for a user here; passed on once to where that user went, else answered. */
  delivered(delivery: Delivery): void {
    const room = this.knownRoom(delivery.room);
    if (room?.deliver(delivery)) return;
    const movedTo = room?.nodeOf(delivery.to);
    if (movedTo && delivery.hops === 0) this.bus.relay(movedTo.node, { ...delivery, toSession: movedTo.id, hops: 1 });
    else this.bus.undelivered(delivery);
  }

  /** A relay from here found nobody. */
  undelivered(delivery: Delivery): void {
    this.knownRoom(delivery.room)?.undelivered(delivery);
  }

  /** Stops timers; sends nothing more. */
  close(): void {
    for (const room of this.#rooms) room.close();
  }

  /** The room the cluster spells `name`, opened here if this node had not seen it. */
  roomNamed(name: string): Room {
    const checked = checkedRoomName(name);
    return this.#find(checked.keys) ?? this.#open(name, checked.keys);
  }

  /** The room the cluster spells `name`, if this node knows it. */
  knownRoom(name: string): Room | undefined {
    return this.#find(checkedRoomName(name).keys);
  }

  /** The rooms this node knows. */
  rooms(): Iterable<Room> {
    return this.#rooms;
  }

  /** Drops a room no user of the cluster is in. */
  closeIfEmpty(room: Room): void {
    if (room.userCount > 0) return;
    room.close();
    this.#rooms.delete(room);
    for (const key of checkedRoomName(room.name).keys) if (this.#byKey.get(key) === room) this.#byKey.delete(key);
  }

  /** A peer of this node is no longer its room's user (gone, handed over, or lost): forget it here. */
  #forget(peer: Peer): Room | undefined {
    const room = this.#roomOf.get(peer);
    if (!room) return undefined;
    room.remove(peer.name!, peer.id);
    this.#roomOf.delete(peer);
    this.#userCount--;
    this.closeIfEmpty(room);
    return room;
  }

  /**
   * `peer` left its room without this node saying so (the store gave its name to another session):
   * it is logged out here, and its session told.
   */
  lost(peer: Peer, removed = false): void {
    if (!this.#roomOf.has(peer)) return;
    this.#forget(peer);
    this.hooks.lost(peer, removed);
  }

  /** A moderator removed `target` from `room`: its node ends its session (this one, or the one the store tells). */
  #removeFromRoom(room: Room, target: Peer): void {
    this.bus.release(room.name, target.name!, target.id, true);
    if (target.node === undefined) return this.lost(target, true);
    room.remove(target.name!, target.id);
    this.closeIfEmpty(room);
  }

  /** A room with a password lets in whoever gives it, and moderators' tokens. */
  async #checkPassword(peer: Peer, roomKeys: readonly string[], password: string | undefined): Promise<void> {
    const hash = this.#find(roomKeys)?.moderation.settings.password;
    if (hash === undefined || peer.moderator) return;
    if (password === undefined) throw new ProtocolError("bad-password", "Give it as \"password\".");
    if (!(await roomPasswordMatches(password, hash))) throw new ProtocolError("bad-password");
  }

  /** A login or room switch of `peer` waits for the store. */
  isJoining(peer: Peer): boolean {
    return this.#joining.has(peer);
  }

  /** A user of another node the store no longer has: gone here too. */
  forgetElsewhere(roomName: string, name: string, session: string): void {
    const room = this.knownRoom(roomName);
    if (!room || room.nodeOf(name)?.id !== session) return;
    room.remove(name, session);
    this.closeIfEmpty(room);
  }

  isBusy(peer: Peer): boolean {
    return peer.name !== null && this.#roomOf.get(peer)?.isBusy(peer.name) === true;
  }

  /** This node's peer, by room and name. */
  localPeer(room: Room, name: string): Peer | undefined {
    return room.localPeer(name);
  }

  /**
   * `peer` goes on on another node (`hand` replaces it in its room, with the same session): this
   * node forgets it without anyone seeing it leave.
   */
  handOff(peer: Peer, hand: Peer): void {
    const room = this.#roomOf.get(peer);
    if (!room) return;
    room.moved(peer.name!, peer.id, hand);
    this.#roomOf.delete(peer);
    this.#userCount--;
  }

  /** Who `peer` is in a call with, as this node tracks it. */
  partnersOf(peer: Peer): string[] {
    return peer.name === null ? [] : (this.#roomOf.get(peer)?.partnersOf(peer.name) ?? []);
  }

  /** `peer`, handed over from another node, is this node's now, in `roomName`, as it was there. */
  takeOver(peer: Peer, roomName: string, busy: boolean, partners: readonly string[]): boolean {
    const room = this.#find(checkedRoomName(roomName).keys);
    if (!room || peer.name === null || room.nodeOf(peer.name)?.id !== peer.id) return false;
    room.moved(peer.name, peer.id, peer, busy, partners);
    this.#roomOf.set(peer, room);
    this.#userCount++;
    return true;
  }

  #roomOfSender(peer: Peer): Room {
    const room = this.#roomOf.get(peer);
    if (!room) throw new ProtocolError("not-logged-in");
    return room;
  }

  #find(keys: readonly string[]): Room | undefined {
    for (const key of keys) {
      const room = this.#byKey.get(key);
      if (room) return room;
    }
    return undefined;
  }

  #open(name: string, keys: readonly string[]): Room {
    const room = new Room(name, this.#roomOptions);
    this.#rooms.add(room);
    for (const key of keys) this.#byKey.set(key, room);
    return room;
  }
}
