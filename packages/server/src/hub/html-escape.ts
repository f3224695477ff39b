import type { DeliveredChatMessage } from "@switchboard/protocol";
import type { Peer } from "./peer.js";

const ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/**
 * The article's client renders chat with innerHTML, and its server's tag-stripping regex is
 * defeated by an unclosed tag. For such clients the server escapes chat text, so they show it
 * literally; modern clients get the text exactly as typed and render it as text.
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/** Chat as `recipient` gets it: escaped for the article's client, as typed for a modern one. */
export function forRecipient(message: DeliveredChatMessage, recipient: Peer): DeliveredChatMessage {
  return recipient.modern ? message : { ...message, text: escapeHtml(message.text) };
}
