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

/** The room's users, in login order, as moderation sees them. */
export interface ModeratedMembers {
  all(): Iterable<Peer>;
  local(): Iterable<Peer>;
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
   * The room's users changed: its moderators may have. Everyone here hears of a change; else
   * `newcomer` (a modern user just logged in) gets the state alone.
   */
  membersChanged(newcomer?: Peer): void {
    const moderators = this.#currentModerators();
    if (moderators.length !== this.#moderators.length || moderators.some((name, i) => name !== this.#moderators[i])) {
      this.#moderators = moderators;
      return this.#announce();
    }
    newcomer?.send(this.#stateFrame(), true);
  }

  #currentModerators(): string[] {
    const moderators: string[] = [];
    for (const peer of this.members.all()) {
      if (this.rule === "first-member" && peer.modern) return [peer.name!];
      if (this.rule === "token-role" && peer.moderator) moderators.push(peer.name!);
    }
    return moderators;
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
