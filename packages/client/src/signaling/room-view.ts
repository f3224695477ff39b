import type { AckMessage, GroupCallMedia } from "@switchboard/protocol";
import type { TypedEmitter } from "../typed-emitter.js";
import { PresenceState, type PresenceMessage, type UserInfo } from "./presence.js";
import { emitPresenceChanges } from "./signaling-events.js";
import type { RoomState, SignalingClientEvents } from "./signaling-types.js";

/**
 * What the client sees of its room: the room's name, who is in it, who is in its group call,
 * and its moderation state. Switching rooms (`join-room`) resets them all, then the new room's
 * snapshot (`userlist`, `group-call`, `room-state`) rebuilds them: a `sam` of the old room is not the `sam` of
 * the new one, so each one leaves and the other joins.
 *
 * The server sends the `join-room` ack and the new room's snapshot in one go. The ack normally
 * comes first; should the snapshot come first, it is taken as the new room's (a `userlist` only
 * comes at login or with a room switch), so either order ends in the same presence.
 */
export class RoomView {
  readonly #presence = new PresenceState();
  #room: string | null = null;
  #groupCall: readonly string[] = Object.freeze([]);
  #groupCallMedia: GroupCallMedia = "mesh";
  #roomState: RoomState | null = null;
  /** `join-room` requests sent and not yet answered. */
  #switches = 0;
  /** The new room's `userlist` came before the ack of the switch in progress. */
  #rebuiltEarly = false;

  constructor(private readonly events: TypedEmitter<SignalingClientEvents>) {}

  /** The room as the server spells it (from the welcome or a `join-room` ack); null before the first welcome. */
  get room(): string | null {
    return this.#room;
  }

  /** Online users of the room, ourselves included, in join order. */
  get users(): readonly UserInfo[] {
    return this.#presence.list();
  }

  user(name: string): UserInfo | undefined {
    return this.#presence.get(name);
  }

  /** The room's group call, in join order (empty: none). */
  get groupCall(): readonly string[] {
    return this.#groupCall;
  }

  /** How the room's group call carries media (absent from `group-call`: "mesh"). */
  get groupCallMedia(): GroupCallMedia {
    return this.#groupCallMedia;
  }

  /** The room's last `room-state`; null before one came (or the server sends none). */
  get roomState(): RoomState | null {
    return this.#roomState;
  }

  /** A welcome names the room the session logs into or, resumed, is in. */
  welcomed(room: string | undefined): void {
    if (room === undefined || room === this.#room) return;
    // Another room than we thought (a switch whose ack the drop swallowed): nothing seen is valid.
    if (this.#room !== null) this.#reset();
    this.#enter(room);
  }

  /** A `join-room` goes out; call `failed()` when it fails (an ack arrives through `switched`). */
  switching(): { failed(): void } {
    this.#switches += 1;
    let open = true;
    return {
      failed: () => {
        if (!open) return;
        open = false;
        this.#switches = Math.max(0, this.#switches - 1);
        this.#rebuiltEarly = false;
      },
    };
  }

  /** True when an ack answers a `join-room`: only those carry `room`. */
  isSwitchAck(ack: AckMessage): ack is AckMessage & { room: string } {
    return ack.room !== undefined && this.#switches > 0;
  }

  /** The `join-room` ack: we are in `room` now. The room we were in already: nothing changed, no snapshot follows. */
  switched(room: string): void {
    this.#switches = Math.max(0, this.#switches - 1);
    const rebuiltEarly = this.#rebuiltEarly;
    this.#rebuiltEarly = false;
    if (room === this.#room && !rebuiltEarly) return;
    if (!rebuiltEarly) this.#reset();
    this.#enter(room);
  }

  presence(message: PresenceMessage): void {
    if (message.type === "userlist" && this.#switches > 0 && !this.#rebuiltEarly) {
      this.#reset();
      this.#rebuiltEarly = true;
    }
    emitPresenceChanges(this.events, this.#presence.apply(message), this.#presence);
  }

  groupCallChanged(participants: readonly string[], media: GroupCallMedia = "mesh"): void {
    this.#groupCall = Object.freeze([...participants]);
    this.#groupCallMedia = media;
    this.events.emit("group-call", this.#groupCall, media);
  }

  roomStateChanged(state: RoomState): void {
    this.#roomState = Object.freeze({ locked: state.locked, passwordProtected: state.passwordProtected, moderators: Object.freeze([...state.moderators]) });
    this.events.emit("room-state", this.#roomState);
  }

  /** The client closed: nobody is visible any more. */
  clear(): void {
    this.#reset();
  }

  #reset(): void {
    this.#groupCall = Object.freeze([]);
    this.#groupCallMedia = "mesh";
    this.#roomState = null;
    emitPresenceChanges(this.events, this.#presence.clear(), this.#presence);
  }

  #enter(room: string): void {
    this.#room = room;
    this.events.emit("room", room);
  }
}
