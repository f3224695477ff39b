import type { RelayedCallMessage, ServerOriginatedMessage } from "@switchboard/protocol";

/**
 * The one way the server turns a message it builds into JSON text: typed, so that every frame
 * the server builds is checked at compile time against the protocol package's types.
 */
export function encodeMessage(message: ServerOriginatedMessage | RelayedCallMessage): string {
  return JSON.stringify(message);
}

const encoder = new TextEncoder();

/** `encodeMessage` as UTF-8 bytes, for a frame that many recipients share. */
export function encodeShared(message: ServerOriginatedMessage | RelayedCallMessage): Uint8Array {
  return encoder.encode(JSON.stringify(message));
}
