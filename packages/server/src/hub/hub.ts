import { LOBBY_ROOM, type ChatMessage, type UserStatus } from "@switchboard/protocol";
import type { DecodedMessage } from "../wire/codec.js";
import { ProtocolError } from "../wire/protocol-error.js";
import type { Peer } from "./peer.js";
import { Room, type RoomOptions } from "./room.js";
import { checkedRoomName, type CheckedRoomName } from "./room-name.js";

export type HubOptions = RoomOptions;

/**
 * The rooms, and which room each logged-in peer is in: the domain, free of sockets. A room
 * comes into being with its first user and is gone (timers stopped, history freed) with its
 * last. Rooms are told apart by `usernameKeys`, so look-alike spellings name one room, which
 * keeps the spelling of whoever opened it. Everything a peer does happens in its own room.
 */
export class Hub {
  /** Each room under each of its keys. */
  readonly #byKey = new Map<string, Room>();
  readonly #rooms = new Set<Room>();
  readonly #roomOf = new Map<Peer, Room>();
  #userCount = 0;

  constructor(private readonly options: HubOptions) {}

  get userCount(): number {
    return this.#userCount;
  }

  get roomCount(): number {
    return this.#rooms.size;
  }

  /** People in group calls, all rooms together. */
  get groupCallParticipants(): number {
    let count = 0;
    for (const room of this.#rooms) count += room.groupCallSize;
    return count;
  }

  /**
   * Logs `peer` into `room` (the lobby by default) under `requested`, renamed by the article's
   * rule if that name looks like one in use there; see `Room.login`. Returns the name given.
   */
  login(peer: Peer, requested: unknown, room: string = LOBBY_ROOM, admitted?: (name: string, room: string) => void): string {
    if (this.#roomOf.has(peer)) throw new ProtocolError("already-logged-in");
    const checked = checkedRoomName(room);
    const target = this.#find(checked.keys) ?? this.#open(checked);
    let name: string;
    try {
      name = target.login(peer, requested, admitted && ((given) => admitted(given, target.name)));
    } catch (error) {
      this.#closeIfEmpty(target);
      throw error;
    }
    this.#roomOf.set(peer, target);
    this.#userCount++;
    return name;
  }

  /** The user is gone: see `Room.logout`. An empty room goes with it. */
  logout(peer: Peer): void {
    const room = this.#roomOf.get(peer);
    if (!room) return;
    room.logout(peer);
    this.#roomOf.delete(peer);
    this.#userCount--;
    this.#closeIfEmpty(room);
  }

  /**
   * Moves a logged-in `peer` to `room`: it leaves its room as on logout (presence, calls and
   * the group call there), then logs into the new one under `requested` (its name as first
   * requested, so a rename in one room does not follow it). Its own room already: nothing
   * changes. If the new login fails, the peer is logged in nowhere.
   */
  switchRoom(peer: Peer, requested: unknown, room: string, admitted?: (name: string, room: string) => void): string {
    const current = this.#roomOf.get(peer);
    if (!current || peer.name === null) throw new ProtocolError("not-logged-in");
    if (this.#find(checkedRoomName(room).keys) === current) {
      admitted?.(peer.name, current.name);
      return peer.name;
    }
    this.logout(peer);
    return this.login(peer, requested, room, admitted);
  }

  /** The room `peer` is logged into, as that room spells itself. */
  roomOf(peer: Peer): string | undefined {
    return this.#roomOf.get(peer)?.name;
  }

  /** How the room of a checked `name` is spelled: by whoever opened it, or `name` if none is open. */
  spellingOf(name: string): string {
    return this.#find(checkedRoomName(name).keys)?.name ?? name;
  }

  chat(sender: Peer, message: ChatMessage): void {
    this.#roomOfSender(sender).chat(sender, message);
  }

  relay(sender: Peer, message: DecodedMessage, source?: Buffer): void {
    this.#roomOfSender(sender).relay(sender, message, source);
  }

  setStatus(sender: Peer, status: UserStatus): void {
    this.#roomOfSender(sender).setStatus(sender, status);
  }

  groupJoin(sender: Peer): void {
    this.#roomOfSender(sender).groupJoin(sender);
  }

  groupLeave(sender: Peer): void {
    this.#roomOfSender(sender).groupLeave(sender);
  }

  /** Stops timers; sends nothing more. */
  close(): void {
    for (const room of this.#rooms) room.close();
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

  #open({ name, keys }: CheckedRoomName): Room {
    const room = new Room(name, this.options);
    this.#rooms.add(room);
    for (const key of keys) this.#byKey.set(key, room);
    return room;
  }

  #closeIfEmpty(room: Room): void {
    if (room.userCount > 0) return;
    room.close();
    this.#rooms.delete(room);
    for (const key of checkedRoomName(room.name).keys) if (this.#byKey.get(key) === room) this.#byKey.delete(key);
  }
}
