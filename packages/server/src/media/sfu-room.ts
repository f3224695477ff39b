import { createHash, randomBytes } from "node:crypto";
import type { SfuServerMessage } from "@switchboard/protocol";
import type { Session } from "janode";
import type { Logger } from "pino";
import { RoomFeeds, type StreamRef } from "./room-feeds.js";
import { SfuParticipant, type ParticipantRoom } from "./sfu-participant.js";
import { VideoroomRefusal, type VideoroomHandle } from "./videoroom-handle.js";
import type { PublisherNews } from "./videoroom-messages.js";

/** The videoroom plugin's "room already exists": another node (or an earlier attempt) made it. */
const ROOM_EXISTS = 427;

export interface SfuRoomOptions {
  session: Session;
  epoch: number;
  timeoutMs: number;
  logger: Logger;
  maxParticipants: number;
  deliver(room: string, name: string, message: SfuServerMessage): void;
}

/**
 * One Switchboard room's SFU call on this node, for one Janus session: its videoroom (the same on
 * every node: its id derives from the room's name), the publishers in it, and this node's
 * participants. Dropped whole when the session goes.
 */
export class SfuRoom implements ParticipantRoom {
  readonly janusRoom: number;
  private readonly feeds = new RoomFeeds();
  private readonly members = new Map<string, SfuParticipant>();
  private participants: ReadonlySet<string> = new Set();
  private created: Promise<void> | null = null;

  constructor(
    readonly name: string,
    private readonly options: SfuRoomOptions,
  ) {
    this.janusRoom = janusRoomId(name);
  }

  get session(): Session {
    return this.options.session;
  }
  get epoch(): number {
    return this.options.epoch;
  }
  get timeoutMs(): number {
    return this.options.timeoutMs;
  }
  get logger(): Logger {
    return this.options.logger;
  }

  member(name: string): SfuParticipant | undefined {
    return this.members.get(name);
  }

  /** The call has `participants` now (cluster-wide), `local` of them here: joins the new, lets go of those gone. */
  update(participants: readonly string[], local: ReadonlySet<string>): void {
    const before = this.participants;
    this.participants = new Set(participants);
    for (const [name, member] of this.members) {
      if (local.has(name)) continue;
      this.members.delete(name);
      void member.close();
    }
    for (const name of local) {
      if (this.members.has(name)) continue;
      const member = new SfuParticipant(name, newFeedId(), this);
      this.members.set(name, member);
      member.join();
    }
    const changed = before.size !== this.participants.size || [...before].some((name) => !this.participants.has(name));
    if (changed) this.syncAll();
  }

  /** Everyone here leaves (the call ended here, or the adapter closes). */
  async close(): Promise<void> {
    const members = [...this.members.values()];
    this.members.clear();
    await Promise.all(members.map((member) => member.close()));
  }

  /** The session is gone: the members with it. */
  abandon(): string[] {
    for (const member of this.members.values()) member.abandon();
    return [...this.members.keys()];
  }

  ensureCreated(handle: VideoroomHandle): Promise<void> {
    this.created ??= this.create(handle).catch((error: unknown) => {
      this.created = null;
      throw error;
    });
    return this.created;
  }

  heardOf(news: PublisherNews): void {
    if (this.feeds.apply(news)) this.syncAll();
  }

  wantedBy(name: string): StreamRef[] {
    return this.feeds.wantedBy(name, this.participants);
  }

  deliver(member: SfuParticipant, message: SfuServerMessage): void {
    // A member that left (and its name back in the call by now) says nothing more.
    if (this.members.get(member.name) === member) this.options.deliver(this.name, member.name, message);
  }

  private syncAll(): void {
    for (const member of this.members.values()) member.syncSubscription();
  }

  private async create(handle: VideoroomHandle): Promise<void> {
    const body = {
      request: "create",
      room: this.janusRoom,
      description: this.name,
      publishers: this.options.maxParticipants,
      videocodec: "vp8",
      audiocodec: "opus",
      notify_joining: false,
      permanent: false,
    };
    await handle.request(body, this.timeoutMs).catch((error: unknown) => {
      if (!(error instanceof VideoroomRefusal && error.code === ROOM_EXISTS)) throw error;
    });
  }
}

/** A videoroom id from the room's name: the same on every node, below 2^53 (Janus's JSON integers), never 0. */
export function janusRoomId(room: string): number {
  const hash = createHash("sha256").update(`switchboard-room:${room}`).digest();
  return Number(hash.readBigUInt64BE(0) >> 11n) || 1;
}

/** A feed id of the server's choosing: random, below 2^53, never 0. */
function newFeedId(): number {
  return Number(randomBytes(8).readBigUInt64BE(0) >> 11n) || 1;
}
