import { usernameKeys, type RoomStateMessage } from "@switchboard/protocol";
import { NO_SETTINGS, type RoomSettings, type SettingsChange } from "../bus/bus.js";
import { removedKey } from "../bus/removed-key.js";
import { encodeShared } from "../wire/outgoing.js";
import { ProtocolError } from "../wire/protocol-error.js";
import type { Peer } from "./peer.js";

/**
 * Who moderates a room: "first-member" (AUTH=open) makes it the longest-present modern user, so
 * the role passes on when that one leaves; "token-role" (AUTH=jwt) makes it whoever signed in
 * with a moderator's token.
 */
export type ModeratorRule = "first-member" | "token-role";

/** The room's users, as moderation sees them. */
export interface ModeratedMembers {
  /** In this node's order of arrival (the store's login order, but for events that crossed). */
  all(): Iterable<Peer>;
  local(): Iterable<Peer>;
  get(name: string): Peer | undefined;
  /** The store's login order, which every node has alike (undefined: unknown). */
  placeOf(name: string): number | undefined;
}

/**
 * One room's moderation state: its settings (shared through the store, see `RoomSettings`), who
 * its moderators are, and the `room-state` its modern users are kept current with.
 */
export class RoomModeration {
  #settings: RoomSettings = NO_SETTINGS;
  #moderators: string[] = [];
  #frame: Uint8Array | undefined;

  constructor(
    private readonly members: ModeratedMembers,
    private readonly rule: ModeratorRule,
  ) {}

  get settings(): RoomSettings {
    return this.#settings;
  }

  isModerator(name: string): boolean {
    return this.#moderators.includes(name);
  }

  /**
   * Why `peer` may not log in here as `name` now, or undefined: a moderator removed that name,
   * or the room is locked (unless `returning`: a user of the room coming back from a dead
   * node). A moderator's token gets in regardless (the password is checked apart: `Hub.login`).
   */
  refusal(peer: Peer, name: string, returning = false): ProtocolError | undefined {
    if (peer.moderator) return undefined;
    const { removed } = this.#settings;
    if (removed && usernameKeys(name).some((key) => removed.includes(removedKey(key)))) return new ProtocolError("room-locked", "A moderator removed you from it.");
    if (this.#settings.locked && !returning) return new ProtocolError("room-locked");
    return undefined;
  }

  /** The change that keeps `name` out (by each of its look-alike keys). */
  static removing(name: string): SettingsChange {
    return { removed: usernameKeys(name).map(removedKey) };
  }

  /**
   * The store's settings: this node's users hear of what changed. An older version than the
   * last is ignored, unless `fresh` (after an outage, the store's state is the truth).
   */
  settingsAre(settings: RoomSettings, fresh = false): void {
    const before = this.#settings;
    if (settings.version <= before.version && !fresh) return;
    this.#settings = settings;
    if (before.locked !== settings.locked || (before.password === undefined) !== (settings.password === undefined)) this.#announce();
  }

  /**
   * The room's users changed (`joined` arrived, or someone left or moved): its moderators may
   * have. Everyone here hears of a change; else `joined`, if `tell`ing it (a modern user of this
   * node just logged in), gets the state alone.
   */
  membersChanged(joined?: Peer, tell = false): void {
    const moderators = this.rule === "token-role" ? this.#tokenModerators(joined) : this.#firstMember(joined);
    if (moderators.length !== this.#moderators.length || moderators.some((name, i) => name !== this.#moderators[i])) {
      this.#moderators = moderators;
      return this.#announce();
    }
    if (tell) joined?.send(this.#stateFrame(), true);
  }

  /** Those still here with a moderator's token, and `joined` if it has one. */
  #tokenModerators(joined: Peer | undefined): string[] {
    const moderators = this.#moderators.filter((name) => this.members.get(name)?.moderator === true);
    if (joined?.moderator && !moderators.includes(joined.name!)) moderators.push(joined.name!);
    return moderators;
  }

  /**
   * The modern user first in the store's login order, so that every node names the same one
   * whatever order the logins reached it in. Only the moderator's leaving needs a scan.
   */
  #firstMember(joined: Peer | undefined): string[] {
    const current = this.#moderators[0];
    const holder = current === undefined ? undefined : this.members.get(current);
    if (holder?.modern) return joined?.modern && this.#before(joined, holder) ? [joined.name!] : this.#moderators;
    let first: Peer | undefined;
    for (const peer of this.members.all()) if (peer.modern && (first === undefined || this.#before(peer, first))) first = peer;
    return first ? [first.name!] : [];
  }

  /** `a` logged in before `b`, as the store ordered them (an unknown place counts as later). */
  #before(a: Peer, b: Peer): boolean {
    return (this.members.placeOf(a.name!) ?? Infinity) < (this.members.placeOf(b.name!) ?? Infinity);
  }

  #announce(): void {
    this.#frame = undefined;
    for (const peer of this.members.local()) if (peer.modern) peer.send(this.#stateFrame(), true);
  }

  #stateFrame(): Uint8Array {
    const state: RoomStateMessage = {
      type: "room-state",
      locked: this.#settings.locked,
      passwordProtected: this.#settings.password !== undefined,
      moderators: this.#moderators,
    };
    return (this.#frame ??= encodeShared(state));
  }
}
