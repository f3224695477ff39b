import { DeliveredChatMessage, Ref } from "@switchboard/protocol";
import { z } from "zod";
import type { ClusterEvent, Delivery, MemberRecord, SessionHandover } from "./bus.js";

/*
 * What nodes send each other through Redis's pub/sub: a small JSON header, a newline, then raw
 * bytes (a frame, a chat message's JSON, a handover's frames), never base64. Everything read
 * back is checked here: Redis is a trust boundary.
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
}) satisfies z.ZodType<MemberRecord>;

const Event = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("joined"), member: MemberRecordSchema }),
  z.object({ kind: z.literal("left"), room: z.string(), name: z.string(), session: z.string() }),
  z.object({ kind: z.literal("moved"), member: MemberRecordSchema, previousSession: z.string() }),
  z.object({ kind: z.literal("status"), room: z.string(), name: z.string(), session: z.string(), busy: z.boolean() }),
  z.object({ kind: z.literal("group"), room: z.string(), participants: list(z.string()), version: z.number().int() }),
  // The message or the frame is the body.
  z.object({ kind: z.literal("chat"), room: z.string() }),
  z.object({ kind: z.literal("broadcast"), room: z.string() }),
]);

const EventHeader = z.object({ v: z.number().int().positive(), o: z.string(), e: Event });

/** A room event as published by redis-scripts.ts: its place in the total order, and its origin. */
export interface VersionedEvent {
  version: number;
  origin: string;
  event: ClusterEvent;
}

const deliveryFields = {
  room: z.string(),
  to: z.string(),
  toSession: z.string(),
  from: z.string(),
  fromSession: z.string(),
  fromNode: z.string(),
  type: z.string(),
  ref: Ref.optional(),
  hops: z.number().int().nonnegative(),
};

const NodeHeader = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("relay"), ...deliveryFields }),
  z.object({ kind: z.literal("undelivered"), ...deliveryFields }),
  z.object({ kind: z.literal("take"), id: z.number().int(), token: z.string(), from: z.string() }),
  z.object({
    kind: z.literal("handover"),
    id: z.number().int(),
    /** Absent: the node has no such session. */
    state: z.record(z.string(), z.unknown()).optional(),
    /** The frames' lengths: the body is the frames, one after the other. */
    frames: z.array(z.number().int().nonnegative()).optional(),
  }),
]);

/** A message on one node's channel. */
export type NodeMessage =
  | { kind: "relay" | "undelivered"; delivery: Delivery }
  | { kind: "take"; id: number; token: string; from: string }
  | { kind: "handover"; id: number; handover: SessionHandover | undefined };

/** One buffer: the header's JSON, a newline, the body. */
function encode(header: object, body?: Uint8Array): Buffer {
  const json = JSON.stringify(header);
  const length = Buffer.byteLength(json);
  const message = Buffer.allocUnsafe(length + 1 + (body?.length ?? 0));
  message.write(json, 0, "utf8");
  message[length] = NEWLINE;
  if (body) message.set(body, length + 1);
  return message;
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

/** The bytes, copied out of the buffer Redis's reply was read into (they may be kept long). */
const copy = (bytes: Buffer): Uint8Array => new Uint8Array(bytes);

export function encodeDelivery(kind: "relay" | "undelivered", delivery: Delivery): Buffer {
  const { room, to, toSession, from, fromSession, fromNode, type, ref, hops } = delivery;
  return encode({ kind, room, to, toSession, from, fromSession, fromNode, type, ref, hops }, delivery.frame);
}

export function encodeTake(id: number, token: string, from: string): Buffer {
  return encode({ kind: "take", id, token, from });
}

export function encodeHandover(id: number, handover: SessionHandover | undefined): Buffer {
  if (!handover) return encode({ kind: "handover", id });
  const body = Buffer.concat(handover.frames);
  return encode({ kind: "handover", id, state: handover.state, frames: handover.frames.map((frame) => frame.length) }, body);
}

/** A node channel's message, or undefined when it is not one. */
export function decodeNodeMessage(message: Buffer): NodeMessage | undefined {
  const parts = split(message);
  const parsed = parts && NodeHeader.safeParse(parts.header);
  if (!parts || !parsed?.success) return undefined;
  const header = parsed.data;
  switch (header.kind) {
    case "relay":
    case "undelivered": {
      const { kind, ...fields } = header;
      return { kind, delivery: { ...fields, frame: copy(parts.body) } };
    }
    case "take":
      return header;
    case "handover": {
      if (header.state === undefined) return { kind: "handover", id: header.id, handover: undefined };
      const lengths = header.frames ?? [];
      if (lengths.reduce((sum, length) => sum + length, 0) !== parts.body.length) return undefined;
      const frames: Uint8Array[] = [];
      let offset = 0;
      for (const length of lengths) frames.push(copy(parts.body.subarray(offset, (offset += length))));
      return { kind: "handover", id: header.id, handover: { state: header.state, frames } };
    }
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
