import { DeliveredChatMessage, GroupCallMedia, Ref } from "@switchboard/protocol";
import { z } from "zod";
import type { ClusterEvent, Delivery, MemberRecord, RoomSettings, SessionHandover } from "./bus.js";

/*
 * What nodes send each other through Redis's pub/sub: a small JSON header, a newline, then raw
 * bytes (a frame, a chat message's JSON, a handover's frames), never base64. Everything read
 * back is checked here: Redis is a trust boundary.
 *
 * The events channel has one such message per PUBLISH (from redis-scripts.ts). A node's channel
 * has batches: one PUBLISH holds what a node sends another within one turn of its event loop
 * (node-outbox.ts), in order. Their headers are JSON arrays, not objects: no key names to write,
 * parse and check per relayed message. A header's first two items are its message's kind and the
 * length of its body.
 */

const NEWLINE = 0x0a;

/** Lua's cjson writes an empty list as {}. */
const list = <T extends z.ZodType>(item: T) => z.union([z.array(item), z.strictObject({}).transform((): z.infer<T>[] => [])]);

export const MemberRecordSchema = z.object({
  room: z.string(),
  name: z.string(),
  session: z.string(),
  node: z.string(),
  modern: z.boolean(),
  busy: z.boolean(),
  moderator: z.literal(true).optional(),
  place: z.number().int().nonnegative().optional(),
}) satisfies z.ZodType<MemberRecord>;

export const RoomSettingsSchema = z.object({
  version: z.number().int().nonnegative(),
  locked: z.boolean(),
  password: z.string().max(512).optional(),
  removed: list(z.string().regex(/^[0-9a-f]{40}$/)).optional(),
}) satisfies z.ZodType<RoomSettings>;

const Event = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("joined"), member: MemberRecordSchema }),
  z.object({ kind: z.literal("left"), room: z.string(), name: z.string(), session: z.string(), removed: z.literal(true).optional() }),
  z.object({ kind: z.literal("moved"), member: MemberRecordSchema, previousSession: z.string() }),
  z.object({ kind: z.literal("status"), room: z.string(), name: z.string(), session: z.string(), busy: z.boolean() }),
  z.object({ kind: z.literal("group"), room: z.string(), participants: list(z.string()), version: z.number().int(), media: GroupCallMedia }),
  // The message or the frame is the body.
  z.object({ kind: z.literal("chat"), room: z.string() }),
  z.object({ kind: z.literal("broadcast"), room: z.string() }),
  // The settings' JSON is the body, as the store keeps it.
  z.object({ kind: z.literal("settings"), room: z.string() }),
]);

const EventHeader = z.object({ v: z.number().int().positive(), o: z.string(), e: Event });

/** A room event as published by redis-scripts.ts: its place in the total order, and its origin. */
export interface VersionedEvent {
  version: number;
  origin: string;
  event: ClusterEvent;
}

const RELAY = "r";
const UNDELIVERED = "u";
const TAKE = "t";
const HANDOVER = "h";

const Id = z.number().int();
const Length = z.number().int().nonnegative();

/** [kind, 0, id, token, from] */
const TakeHeader = z.tuple([z.literal(TAKE), z.literal(0), Id, z.string(), z.string()]);
/** [kind, 0, id]: the node has no such session; or [kind, the frames' total length, id, state, each frame's length]. */
const HandoverHeader = z.union([
  z.tuple([z.literal(HANDOVER), z.literal(0), Id]),
  z.tuple([z.literal(HANDOVER), Length, Id, z.record(z.string(), z.unknown()), z.array(Length)]),
]);

/** A message on one node's channel. */
export type NodeMessage =
  | { kind: "relay" | "undelivered"; delivery: Delivery }
  | { kind: "take"; id: number; token: string; from: string }
  | { kind: "handover"; id: number; handover: SessionHandover | undefined };

/** A node channel's PUBLISH being written: each message appended is copied in at once. */
export class NodeBatch {
  #bytes: Buffer;
  #length = 0;

  /** `capacity`: what it is likely to hold (growing it costs an allocation and a copy). */
  constructor(capacity: number) {
    this.#bytes = Buffer.allocUnsafe(capacity);
  }

  get byteLength(): number {
    return this.#length;
  }

  /** What to publish: the batch is not written to afterwards. */
  message(): Buffer {
    return this.#bytes.subarray(0, this.#length);
  }

  delivery(kind: "relay" | "undelivered", delivery: Delivery): void {
    const { room, to, toSession, from, fromSession, fromNode, type, ref, frame, hops } = delivery;
    const header = [kind === "relay" ? RELAY : UNDELIVERED, frame.length, room, to, toSession, from, fromSession, fromNode, type, hops];
    if (ref !== undefined) header.push(ref);
    this.#header(JSON.stringify(header), frame.length);
    this.#body(frame);
  }

  take(id: number, token: string, from: string): void {
    this.#header(JSON.stringify([TAKE, 0, id, token, from]), 0);
  }

  handover(id: number, handover: SessionHandover | undefined): void {
    if (!handover) return this.#header(JSON.stringify([HANDOVER, 0, id]), 0);
    const lengths = handover.frames.map((frame) => frame.length);
    const total = lengths.reduce((sum, length) => sum + length, 0);
    this.#header(JSON.stringify([HANDOVER, total, id, handover.state, lengths]), total);
    for (const frame of handover.frames) this.#body(frame);
  }

  /** Makes room for the header and the body after it, and writes the header. */
  #header(json: string, bodyLength: number): void {
    // UTF-8 takes at most 3 bytes per UTF-16 unit.
    const needed = this.#length + 3 * json.length + 1 + bodyLength;
    if (needed > this.#bytes.length) {
      const grown = Buffer.allocUnsafe(Math.max(needed, 2 * this.#bytes.length));
      this.#bytes.copy(grown, 0, 0, this.#length);
      this.#bytes = grown;
    }
    this.#length += this.#bytes.write(json, this.#length);
    this.#bytes[this.#length++] = NEWLINE;
  }

  #body(bytes: Uint8Array): void {
    this.#bytes.set(bytes, this.#length);
    this.#length += bytes.length;
  }
}

function split(message: Buffer): { header: unknown; body: Buffer } | undefined {
  const end = message.indexOf(NEWLINE);
  if (end < 0) return undefined;
  try {
    return { header: JSON.parse(message.toString("utf8", 0, end)), body: message.subarray(end + 1) };
  } catch {
    return undefined;
  }
}

/**
 * The bytes, copied out of the buffer Redis's reply was read into (they may be kept long), as
 * a Uint8Array. Buffer.from takes small ones from Node's pool: a third of the time of a fresh
 * ArrayBuffer.
 */
function copy(bytes: Buffer): Uint8Array {
  const copied = Buffer.from(bytes);
  return new Uint8Array(copied.buffer, copied.byteOffset, copied.length);
}

/**
 * Passes each message of a node channel's PUBLISH to `each`, in order. False when one is
 * malformed: one whose extent is known is skipped and the others are passed on; past one whose
 * extent is not (its header unreadable), the rest is dropped.
 */
export function decodeNodeMessages(message: Buffer, each: (message: NodeMessage) => void): boolean {
  let offset = 0;
  let wellFormed = true;
  do {
    const end = message.indexOf(NEWLINE, offset);
    const header = end < 0 ? undefined : arrayAt(message, offset, end);
    const bodyLength: unknown = header?.[1];
    if (!header || !isLength(bodyLength) || end + 1 + bodyLength > message.length) return false;
    offset = end + 1 + bodyLength;
    const decoded = nodeMessageOf(header, message.subarray(end + 1, offset));
    if (decoded) each(decoded);
    else wellFormed = false;
  } while (offset < message.length);
  return wellFormed;
}

const isLength = (value: unknown): value is number => Number.isInteger(value) && (value as number) >= 0;

/** The JSON array from `start` to `end`, or undefined. */
function arrayAt(message: Buffer, start: number, end: number): unknown[] | undefined {
  try {
    const parsed: unknown = JSON.parse(message.toString("utf8", start, end));
    return Array.isArray(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/**
 * [kind, the frame's length, room, to, toSession, from, fromSession, fromNode, type, hops, ref?],
 * checked by hand: as strict as a zod tuple, which took as long as the JSON.parse before it.
 */
function deliveryOf(header: unknown[], frame: Buffer): Delivery | undefined {
  if (header.length !== 10 && header.length !== 11) return undefined;
  const [, , room, to, toSession, from, fromSession, fromNode, type, hops, ref] = header;
  if (typeof room !== "string" || typeof to !== "string" || typeof toSession !== "string") return undefined;
  if (typeof from !== "string" || typeof fromSession !== "string" || typeof fromNode !== "string") return undefined;
  if (typeof type !== "string" || !isLength(hops)) return undefined;
  const delivery: Delivery = { room, to, toSession, from, fromSession, fromNode, type, frame: copy(frame), hops };
  if (header.length === 11) {
    const checked = Ref.safeParse(ref);
    if (!checked.success) return undefined;
    delivery.ref = checked.data;
  }
  return delivery;
}

/** `body`: as long as the header says. */
function nodeMessageOf(header: unknown[], body: Buffer): NodeMessage | undefined {
  switch (header[0]) {
    case RELAY:
    case UNDELIVERED: {
      const delivery = deliveryOf(header, body);
      return delivery && { kind: header[0] === RELAY ? "relay" : "undelivered", delivery };
    }
    case TAKE: {
      const parsed = TakeHeader.safeParse(header);
      if (!parsed.success) return undefined;
      const [, , id, token, from] = parsed.data;
      return { kind: "take", id, token, from };
    }
    case HANDOVER: {
      const parsed = HandoverHeader.safeParse(header);
      if (!parsed.success) return undefined;
      if (parsed.data.length === 3) return { kind: "handover", id: parsed.data[2], handover: undefined };
      const [, total, id, state, lengths] = parsed.data;
      if (lengths.reduce((sum, length) => sum + length, 0) !== total) return undefined;
      const frames: Uint8Array[] = [];
      let offset = 0;
      for (const length of lengths) frames.push(copy(body.subarray(offset, (offset += length))));
      return { kind: "handover", id, handover: { state, frames } };
    }
    default:
      return undefined;
  }
}

/** An event of the events channel, or undefined when it is not one. */
export function decodeEvent(message: Buffer): VersionedEvent | undefined {
  const parts = split(message);
  const parsed = parts && EventHeader.safeParse(parts.header);
  if (!parts || !parsed?.success) return undefined;
  const { v: version, o: origin, e } = parsed.data;
  switch (e.kind) {
    case "broadcast":
      return { version, origin, event: { kind: "broadcast", room: e.room, frame: copy(parts.body) } };
    case "chat": {
      const message = parseJson(parts.body.toString("utf8"), DeliveredChatMessage);
      return message && { version, origin, event: { kind: "chat", room: e.room, message } };
    }
    case "settings": {
      const settings = parseJson(parts.body.toString("utf8"), RoomSettingsSchema);
      return settings && { version, origin, event: { kind: "settings", room: e.room, settings } };
    }
    default:
      return { version, origin, event: e };
  }
}

/** JSON text checked against `schema`, or undefined. */
export function parseJson<T>(text: string, schema: z.ZodType<T>): T | undefined {
  try {
    const parsed = schema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
