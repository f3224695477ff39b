import { usernameKeys, type RoomStateMessage } from "@switchboard/protocol";
import type { RoomSettings } from "../bus/bus.js";
import { encodeShared } from "../wire/outgoing.js";
import { ProtocolError } from "../wire/protocol-error.js";
import type { Peer } from "./peer.js";

/**
 * Who moderates a room: "first-member" (AUTH=open) makes it the longest-present modern user, so
 * the role passes on when that one leaves; "token-role" (AUTH=jwt) makes it whoever signed in
 * with a moderator's token.
 */
export type ModeratorRule = "first-member" | "token-role";

/** Most removed names a room remembers; the oldest are forgotten first. */
const MAX_REMOVED = 200;

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
  #settings: RoomSettings = { locked: false };
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
   * Why `peer` may not log in here now, or undefined: the room is locked, or removed it. A
   * moderator's token gets in regardless (the password is checked apart: see `Hub.login`).
   */
  refusal(peer: Peer, name: string): ProtocolError | undefined {
    if (peer.moderator) return undefined;
    if (this.#settings.locked) return new ProtocolError("room-locked");
    if (this.#settings.removed?.includes(usernameKeys(name)[0])) return new ProtocolError("room-locked", "A moderator removed you from it.");
    return undefined;
  }

  /** The settings with `name` remembered as removed. */
  withRemoved(name: string): RoomSettings {
    const removed = [...(this.#settings.removed ?? []), usernameKeys(name)[0]].slice(-MAX_REMOVED);
    return { ...this.#settings, removed };
  }

  /** The store's settings: this node's users hear of what changed. */
  settingsAre(settings: RoomSettings): void {
    const before = this.#settings;
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
