import {
  FileOfferMessage,
  FileReceiverMessage,
  FileSenderMessage,
  MAX_FILE_CONTROL_LENGTH,
  type FileControlMessage,
} from "@switchboard/protocol";

/** What decode() needs of a zod schema (the SDK does not import zod itself). */
interface Schema<T> {
  safeParse(data: unknown): { success: true; data: T } | { success: false };
}

/** A control message as decoded from a peer: the message, or why it was refused. */
export type Decoded<T> = { ok: true; message: T } | { ok: false; reason: string };

/** The receiver's view of the channel's first message. */
export const decodeOffer = (data: unknown) => decode(FileOfferMessage, data, "file offer");
/** The receiver's view of what the sender says after the offer. */
export const decodeFromSender = (data: unknown) => decode(FileSenderMessage, data, "message from the sender");
/** The sender's view of what the receiver says. */
export const decodeFromReceiver = (data: unknown) => decode(FileReceiverMessage, data, "message from the receiver");

export function encodeControl(message: FileControlMessage): string {
  return JSON.stringify(message);
}

/** The trust boundary of the file protocol: bounded text, JSON, then the schema. */
function decode<T>(schema: Schema<T>, data: unknown, what: string): Decoded<T> {
  if (typeof data !== "string") return { ok: false, reason: `A ${what} was expected, and binary data came.` };
  if (data.length > MAX_FILE_CONTROL_LENGTH) return { ok: false, reason: `A ${what} was longer than ${MAX_FILE_CONTROL_LENGTH} characters.` };
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    return { ok: false, reason: `A ${what} was not JSON.` };
  }
  const parsed = schema.safeParse(json);
  if (parsed.success) return { ok: true, message: parsed.data };
  const type = (json as { type?: unknown } | null)?.type;
  const shown = typeof type === "string" ? ` ("${type.slice(0, 32)}")` : "";
  return { ok: false, reason: `A ${what}${shown} was malformed or out of place.` };
}
