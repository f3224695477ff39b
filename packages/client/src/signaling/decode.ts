import { ServerMessage, type DeliveredChatMessage } from "@switchboard/protocol";
import type { ChatEntry } from "./signaling-types.js";

export type Decoded = { ok: true; message: ServerMessage } | { ok: false; reason: string; cause: unknown };

/** The trust boundary: a frame becomes a ServerMessage only if it passes the protocol's schema. */
export function decodeServerFrame(data: unknown): Decoded {
  let json: unknown;
  try {
    if (typeof data !== "string") throw new TypeError("not a text frame");
    json = JSON.parse(data);
  } catch (cause) {
    return { ok: false, reason: "The server sent a frame that is not JSON text.", cause };
  }
  const parsed = ServerMessage.safeParse(json);
  if (parsed.success) return { ok: true, message: parsed.data };
  const type = (json as { type?: unknown } | null)?.type;
  return { ok: false, reason: `The server sent an invalid message (type ${JSON.stringify(type)}).`, cause: parsed.error };
}

/** A delivered chat message as the app sees it. */
export function chatEntry(message: DeliveredChatMessage): ChatEntry {
  const entry = { from: message.name, text: message.text, date: message.date, to: message.target ?? null };
  return message.seq === undefined ? entry : { ...entry, seq: message.seq };
}
