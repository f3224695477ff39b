import { checkUsername, uniqueUsername, usernameKeys, type UserlistMessage } from "@switchboard/protocol";
import { ProtocolError } from "../wire/protocol-error.js";
import { FrameParts, senderStamp } from "../wire/frame.js";
import type { Peer } from "./peer.js";
import { Roster } from "./roster.js";

const encoder = new TextEncoder();
const SNAPSHOT_HEAD = encoder.encode('{"type":"userlist","users":[');

/**
 * Who is in one room, on this node and on the others (see `Peer.node`): their names and the
 * look-alike keys those hold, busy status, who speaks only the article's protocol, and the
 * encoded roster a `userlist` snapshot is a view of.
 */
export class RoomMembers {
  /** Everyone in the room, in login order. */
  readonly #users = new Map<string, Peer>();
  /** This node's users: the recipients of everything the room sends to all. */
  readonly #local = new Map<string, Peer>();
  /** The comparison keys of the names in use (`usernameKeys`): each belongs to one user. */
  readonly #nameKeys = new Map<string, string>();
  readonly #busy = new Set<string>();
  /** Users who speak only the article's protocol, in login order. */
  readonly #legacy = new Set<string>();
  readonly #roster = new Roster();
  /** `,"name":<name>,"from":<name>}` per local user, for relaying without re-serializing (see `stampSender`). */
  readonly #senderStamps = new Map<string, Buffer>();
  /** The store's login order (`MemberRecord.place`), where known. */
  readonly #places = new Map<string, number>();

  get size(): number {
    return this.#users.size;
  }

  get localSize(): number {
    return this.#local.size;
  }

  /** The peer a message is addressed to, or undefined when it has no target (the article's test). */
  recipientOf(message: Record<string, unknown>): Peer | undefined {
    const target = message.target;
    if (target === undefined || target === null || target === "") return undefined;
    if (typeof target !== "string") throw new ProtocolError("invalid-message", '"target" must be a string.');
    const recipient = this.get(target);
    if (!recipient) throw new ProtocolError("unknown-target", `"${target.slice(0, 64)}" is not in this room.`);
    return recipient;
  }

  get(name: string): Peer | undefined {
    return this.#users.get(name);
  }

  local(): IterableIterator<Peer> {
    return this.#local.values();
  }

  all(): IterableIterator<Peer> {
    return this.#users.values();
  }

  names(): IterableIterator<string> {
    return this.#users.keys();
  }

  /** True when `key` belongs to a name in use, other than `except`'s. */
  keyTaken(key: string, except?: string): boolean {
    const holder = this.#nameKeys.get(key);
    return holder !== undefined && holder !== except;
  }

  /** `keys`: `usernameKeys(name)`, when the caller has them; `place`: in the store's login order. */
  add(name: string, peer: Peer, busy: boolean, keys: readonly string[] = usernameKeys(name), place?: number): void {
    this.#users.set(name, peer);
    if (place !== undefined) this.#places.set(name, place);
    if (peer.node === undefined) this.#local.set(name, peer);
    for (const key of keys) this.#nameKeys.set(key, name);
    if (busy) this.#busy.add(name);
    this.#roster.add(name);
    if (!peer.modern) this.#legacy.add(name);
  }

  /** Another session holds `name` now (a move between nodes): its place in login order is kept. */
  replace(name: string, peer: Peer): void {
    const previous = this.#users.get(name);
    this.#users.set(name, peer);
    if (peer.node === undefined) this.#local.set(name, peer);
    else this.#local.delete(name);
    this.#senderStamps.delete(name);
    if (previous?.modern !== peer.modern) {
      this.#legacy.delete(name);
      if (!peer.modern) this.#legacy.add(name);
    }
  }

  remove(name: string): void {
    this.#users.delete(name);
    this.#local.delete(name);
    for (const key of usernameKeys(name)) if (this.#nameKeys.get(key) === name) this.#nameKeys.delete(key);
    this.#busy.delete(name);
    this.#legacy.delete(name);
    this.#senderStamps.delete(name);
    this.#places.delete(name);
    this.#roster.invalidate();
  }

  /** Where `name` is in the store's login order (undefined: not known, e.g. in unit tests). */
  placeOf(name: string): number | undefined {
    return this.#places.get(name);
  }

  isBusy(name: string): boolean {
    return this.#busy.has(name);
  }

  /** False when nothing changed. */
  setBusy(name: string, busy: boolean): boolean {
    if (busy === this.#busy.has(name)) return false;
    if (busy) this.#busy.add(name);
    else this.#busy.delete(name);
    return true;
  }

  /**
   * The full presence a modern client starts from (a `userlist`); deltas follow. The names are a
   * view of the shared roster; only `busy` and `legacy` are encoded per login.
   */
  snapshot(): FrameParts {
    const tail: Pick<UserlistMessage, "busy" | "legacy"> = { busy: [...this.#busy], legacy: [...this.#legacy] };
    const users = this.#roster.view(() => this.#users.keys());
    return new FrameParts([SNAPSHOT_HEAD, users, encoder.encode(`],${JSON.stringify(tail).slice(1)}`)]);
  }

  stampOf(name: string): Buffer {
    let stamp = this.#senderStamps.get(name);
    if (stamp === undefined) this.#senderStamps.set(name, (stamp = senderStamp(name)));
    return stamp;
  }
}

export interface ChosenName {
  name: string;
  keys: readonly string[];
  /** The name as requested, checked (NFC). */
  requested: string;
}

/** `requested`, or the first numbered variant none of whose keys `isTaken` (the article's rule). */
export function chooseName(requested: unknown, isTaken: (key: string) => boolean): ChosenName {
  const check = checkUsername(requested);
  if (!check.ok) throw new ProtocolError("bad-name", check.reason);
  const keys = usernameKeys(check.name);
  if (!keys.some(isTaken)) return { name: check.name, keys, requested: check.name };
  const name = uniqueUsername(check.name, isTaken);
  return { name, keys: usernameKeys(name), requested: check.name };
}
