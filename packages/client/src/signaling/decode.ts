import {
  CALL_MESSAGE_TYPES,
  isAppMessageType,
  RelayedAppMessage,
  RelayedCallMessage,
  ServerOriginatedMessage,
  type DeliveredChatMessage,
} from "@switchboard/protocol";
import type { InvalidPeerMessage } from "./peer-messages.js";
import type { ChatEntry } from "./signaling-types.js";

/**
 * What a frame turned out to be. The server stamps `from` on every message one user relays to
 * another and on nothing it says itself, so `from` alone decides who speaks: a frame with it is
 * a peer's, whatever its `type` claims, and never reaches the server-message handlers. A type
 * the server adds later is therefore safe from forgery too.
 */
export type Decoded =
  | { kind: "server"; message: ServerOriginatedMessage }
  | { kind: "call"; message: RelayedCallMessage }
  | { kind: "app"; message: RelayedAppMessage }
  /** A frame from the server itself that breaks the protocol. */
  | { kind: "invalid-server"; reason: string; cause: unknown }
  /** A peer's message that breaks the protocol (or claims a type peers may not send): dropped. */
  | { kind: "invalid-peer"; invalid: InvalidPeerMessage };

/** The trust boundary: a frame becomes a message only if it passes the protocol's schemas. */
export function decodeServerFrame(data: unknown): Decoded {
  let json: unknown;
  try {
    if (typeof data !== "string") throw new TypeError("not a text frame");
    json = JSON.parse(data);
  } catch (cause) {
    return { kind: "invalid-server", reason: "The server sent a frame that is not JSON text.", cause };
  }
  if (typeof json === "object" && json !== null && !Array.isArray(json) && Object.hasOwn(json, "from")) {
    return decodePeerMessage(json as Record<string, unknown>);
  }
  const parsed = ServerOriginatedMessage.safeParse(json);
  if (parsed.success) return { kind: "server", message: parsed.data };
  const type = (json as { type?: unknown } | null)?.type;
  return { kind: "invalid-server", reason: `The server sent an invalid message (type ${shortType(type)}).`, cause: parsed.error };
}

function decodePeerMessage(json: Record<string, unknown>): Decoded {
  const type = typeof json.type === "string" ? json.type : null;
  const from = typeof json.from === "string" ? json.from : null;
  const invalid = (reason: string, cause?: unknown): Decoded => ({
    kind: "invalid-peer",
    invalid: { from, type: type?.slice(0, 64) ?? null, reason, ...(cause === undefined ? {} : { cause }) },
  });
  if (type !== null && CALL_MESSAGE_TYPES.has(type)) {
    const parsed = RelayedCallMessage.safeParse(json);
    return parsed.success ? { kind: "call", message: parsed.data } : invalid(`A relayed "${type}" is malformed.`, parsed.error);
  }
  if (type === null || !isAppMessageType(type)) return invalid("A relayed message has a type peers may not send.");
  const parsed = RelayedAppMessage.safeParse(json);
  return parsed.success ? { kind: "app", message: parsed.data } : invalid("A relayed app message is malformed.", parsed.error);
}

function shortType(type: unknown): string {
  return typeof type === "string" ? JSON.stringify(type.slice(0, 64)) : typeof type;
}

/** A delivered chat message as the app sees it. */
export function chatEntry(message: DeliveredChatMessage): ChatEntry {
  const entry = { from: message.name, text: message.text, date: message.date, to: message.target ?? null };
  return message.seq === undefined ? entry : { ...entry, seq: message.seq };
}
