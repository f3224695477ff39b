import type { AckMessage, ModerationAction } from "@switchboard/protocol";
import type { RoomState } from "../signaling/signaling-types.js";

/** What Moderation needs from its SignalingClient. */
/** A `moderate` request as sent (the protocol's ModerateMessage; the client adds `ref`). */
type ModerateRequest = {
  type: "moderate";
  action: ModerationAction;
  target?: string;
  reason?: string;
  password?: string | null;
};

export interface ModerationHost {
  request(message: ModerateRequest): Promise<AckMessage>;
  /** Our name once logged in. */
  name(): string | null;
  /** The room's last `room-state`. */
  roomState(): RoomState | null;
  /** We set our room's password: a fresh login into it (after a reconnect) needs it. */
  passwordSet(password: string | null): void;
}

/**
 * A moderator's requests for the room we are in (`moderate`), each resolved on the server's ack
 * and rejected with its error (a SignalingError, e.g. "not-moderator", "unknown-target"), like
 * the client's other requests. Everyone in the room hears of each as a `moderated` event
 * (only its target of "mute"). Who moderates comes from the room's last `room-state`.
 */
export class Moderation {
  constructor(private readonly host: ModerationHost) {}

  /** Who may moderate our room, from its last `room-state` (empty before one came). */
  get moderators(): readonly string[] {
    return this.host.roomState()?.moderators ?? [];
  }

  /** We may moderate our room (its last `room-state` lists us). */
  get isModerator(): boolean {
    const name = this.host.name();
    return name !== null && this.moderators.includes(name);
  }

  /** Removes `name` from the room: they are shown `reason`, and their connection closes for good. */
  remove(name: string, reason?: string): Promise<void> {
    return this.#moderate({ action: "remove", target: name, ...(reason ? { reason } : {}) });
  }

  /** Asks `name` to mute their microphone (only they hear of it). */
  askToMute(name: string): Promise<void> {
    return this.#moderate({ action: "mute", target: name });
  }

  /** No new joins until unlock() (moderators still get in). */
  lock(): Promise<void> {
    return this.#moderate({ action: "lock" });
  }

  unlock(): Promise<void> {
    return this.#moderate({ action: "unlock" });
  }

  /** Takes everyone out of the room's group call. */
  endCall(): Promise<void> {
    return this.#moderate({ action: "end-call" });
  }

  /** New joins need `password` from now on; null: none. */
  async setPassword(password: string | null): Promise<void> {
    await this.#moderate({ action: "set-password", password });
    this.host.passwordSet(password);
  }

  async #moderate(message: Omit<ModerateRequest, "type">): Promise<void> {
    await this.host.request({ type: "moderate", ...message });
  }
}
