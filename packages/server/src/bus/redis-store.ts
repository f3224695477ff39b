import { DeliveredChatMessage, GroupCallMedia } from "@switchboard/protocol";
import type { GroupCallPolicy, GroupRefusal } from "./group-admission.js";
import type { Redis } from "ioredis";
import { z } from "zod";
import type {
  ClaimRequest,
  ClaimResult,
  ClusterSnapshot,
  GroupCallState,
  LocalState,
  MemberRecord,
  ResumableRecord,
  ResumableSession,
  RoomSettings,
  SettingsChange,
  UnnumberedChat,
} from "./bus.js";
import { MAX_REMOVED, NO_SETTINGS } from "./bus.js";
import { defineScripts, type ScriptCall, type ScriptName } from "./redis-scripts.js";
import { MemberRecordSchema, RoomSettingsSchema, parseJson } from "./wire-envelope.js";

// The scripts' replies, checked: Redis is a trust boundary.
const Flag = z.union([z.literal(0), z.literal(1)]);
const ClaimReply = z.union([
  z.tuple([z.literal(1), z.string(), Flag, Flag, z.number().int()]),
  z.tuple([z.literal(0), z.string(), z.array(z.string())]),
]);
/** The version, the media, then the participants. */
const GroupStateReply = z.tuple([z.number().int(), GroupCallMedia], z.string());
const GroupReply = z.union([z.literal("full"), z.literal("media-unavailable"), GroupStateReply]);
const ResumableReply = z.union([z.null(), z.tuple([z.string(), z.string(), z.string(), z.string(), Flag])]);
const HeartbeatReply = z.tuple([Flag, z.array(z.string())]);
const jsonText = <T>(schema: z.ZodType<T>) =>
  z.string().transform((text, context) => {
    const value = parseJson(text, schema);
    if (value !== undefined) return value;
    context.addIssue({ code: "custom", message: "not the JSON expected" });
    return z.NEVER;
  });
const SnapshotReply = z.tuple(
  [z.number().int()],
  z.tuple([
    z.string(),
    z.number().int(),
    z.array(z.string()),
    z.array(jsonText(MemberRecordSchema)),
    z.array(jsonText(DeliveredChatMessage)),
    // A room's settings that do not parse are that room's loss, not the snapshot's.
    z.union([z.null(), jsonText(RoomSettingsSchema)]).catch(null),
    GroupCallMedia,
  ]),
);

/** The cluster's state at one version: every event after it is newer than the state. */
export interface VersionedSnapshot {
  version: number;
  snapshot: ClusterSnapshot;
}

/** What a heartbeat learnt. */
export interface Beat {
  /** This node was registered already; false: it is new, was reaped, or the store lost everything. */
  registered: boolean;
  /** Registered nodes that stopped beating. */
  dead: string[];
}

const asBuffer = (bytes: Uint8Array): Buffer => (Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));

/**
 * One node's view of the scripts of redis-scripts.ts: the MemoryStore's methods, for `node`,
 * with their arguments encoded and their replies checked. Rejections are the connection's.
 */
export class RedisStore {
  readonly #scripts: Record<ScriptName, ScriptCall>;

  constructor(
    redis: Redis,
    private readonly prefix: string,
    private readonly node: string,
  ) {
    this.#scripts = defineScripts(redis);
  }

  async claim(request: ClaimRequest): Promise<ClaimResult> {
    const { room, name, nameKeys, session, modern, replaces, moderator } = request;
    const args = { room: room.name, roomKeys: room.keys, name, nameKeys, session, modern, replaces, moderator: moderator || undefined };
    const reply = ClaimReply.parse(await this.#run("claim", args));
    if (reply[0] === 0) return { ok: false, room: reply[1], takenKeys: reply[2] };
    const member: MemberRecord = { room: reply[1], name, session, node: this.node, modern, busy: reply[3] === 1, place: reply[4] };
    if (moderator) member.moderator = true;
    return { ok: true, member, moved: reply[2] === 1 };
  }

  async release(room: string, name: string, session: string, removed?: boolean): Promise<void> {
    await this.#run("release", { room, name, session, removed: removed || undefined });
  }

  async changeSettings(room: string, change: SettingsChange): Promise<RoomSettings | undefined> {
    const reply = await this.#run("changeSettings", { room, maxRemoved: MAX_REMOVED }, Buffer.from(JSON.stringify(change)));
    return reply === null ? undefined : z.string().pipe(jsonText(RoomSettingsSchema)).parse(reply);
  }

  async setBusy(room: string, name: string, session: string, busy: boolean): Promise<void> {
    await this.#run("setBusy", { room, name, session, busy });
  }

  async groupJoin(room: string, name: string, policy: GroupCallPolicy): Promise<GroupCallState | GroupRefusal> {
    const reply = GroupReply.parse(await this.#run("groupJoin", { room, name, policy }));
    return typeof reply === "string" ? reply : groupState(room, reply);
  }

  async groupLeave(room: string, name: string): Promise<GroupCallState> {
    return groupState(room, GroupStateReply.parse(await this.#run("groupLeave", { room, name })));
  }

  async postChat(room: string, message: UnnumberedChat, historySize: number): Promise<DeliveredChatMessage> {
    // The script appends the seq to the message's JSON, so that the message is never re-encoded.
    const { seq: _seq, ...unnumbered } = message as UnnumberedChat & { seq?: unknown };
    const body = Buffer.from(JSON.stringify(unnumbered));
    const seq = z.number().int().parse(await this.#run("postChat", { room, historySize: Math.max(0, Math.floor(historySize)) }, body));
    return { ...message, seq };
  }

  async broadcast(room: string, frame: Uint8Array): Promise<void> {
    await this.#run("broadcast", { room }, asBuffer(frame));
  }

  async findResumable(token: string): Promise<ResumableRecord | undefined> {
    const reply = ResumableReply.parse(await this.#run("findResumable", { token }));
    if (reply === null) return undefined;
    const [room, name, session, node, alive] = reply;
    return { room, name, session, node, alive: alive === 1 };
  }

  async rememberResumable(token: string, { room, name, session }: ResumableSession): Promise<void> {
    await this.#run("rememberResumable", { token, room, name, session });
  }

  async forgetResumable(token: string, graceMs: number | undefined): Promise<void> {
    await this.#run("forgetResumable", { token, graceMs: graceMs === undefined ? undefined : Math.ceil(graceMs) });
  }

  async heartbeat(timeoutMs: number): Promise<Beat> {
    const [added, dead] = HeartbeatReply.parse(await this.#run("heartbeat", { timeoutMs: Math.ceil(timeoutMs) }));
    return { registered: added === 0, dead };
  }

  /** Removes the users of `node` if it stopped beating; its users' tokens are kept `graceMs`. */
  async reap(node: string, graceMs: number): Promise<void> {
    await this.#run("reap", { node, graceMs: Math.ceil(graceMs) });
  }

  /** This node leaves: it stops beating, and what it still holds is released. */
  async leave(graceMs: number): Promise<void> {
    await this.#run("reap", { node: this.node, graceMs: Math.ceil(graceMs), leaving: true });
  }

  /** MemoryStore.restore: returns this node's users whose names others claimed meanwhile. */
  async restore(state: LocalState): Promise<MemberRecord[]> {
    const args = {
      members: state.members.map(({ room, roomKeys, name, nameKeys, session, modern, busy, moderator }) => ({
        room,
        roomKeys,
        name,
        nameKeys,
        session,
        modern,
        busy,
        moderator: moderator || undefined,
      })),
      groupCalls: state.groupCalls.map(({ room, participants, media }) => ({ room, participants, media })),
      histories: state.histories.map(({ room, messages }) => ({
        room,
        messages: messages.map((message) => ({ seq: message.seq ?? 0, json: JSON.stringify(message) })),
      })),
      settings: state.settings.map(({ room, settings }) => ({ room, settings: JSON.stringify(settings) })),
    };
    const lost = z.array(z.number().int()).parse(await this.#run("restore", args));
    return lost.map((index) => state.members[index]).filter((member) => member !== undefined);
  }

  async snapshot(): Promise<VersionedSnapshot> {
    const [version, ...rooms] = SnapshotReply.parse(await this.#run("snapshot", {}));
    return {
      version,
      snapshot: {
        rooms: rooms.map(([room, groupVersion, participants, members, history, settings, media]) => ({
          room,
          members,
          group: { room, participants, version: groupVersion, media },
          history,
          settings: settings ?? NO_SETTINGS,
        })),
      },
    };
  }

  #run(name: ScriptName, args: object, body?: Buffer): Promise<unknown> {
    return this.#scripts[name](this.prefix, this.node, JSON.stringify(args), body);
  }
}

function groupState(room: string, [version, media, ...participants]: [number, GroupCallMedia, ...string[]]): GroupCallState {
  return { room, participants, version, media };
}
