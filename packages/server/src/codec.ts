import type { ErrorCode } from "@switchboard/protocol";
import type { RelayedMessage } from "./hub/hub.js";

export type Decoded = { ok: true; message: RelayedMessage } | { ok: false; code: ErrorCode; ref?: unknown };

const MAX_TYPE_LENGTH = 64;

/**
 * Text frame -> message with a string `type`. Parses once; knows nothing of sockets.
 * Only the envelope is checked here: each type's own schema is applied where it is handled,
 * and types the server does not know are passed through as they are.
 */
export function decodeFrame(text: string): Decoded {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, code: "bad-json" };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return { ok: false, code: "not-an-object" };
  }
  const message = value as Record<string, unknown>;
  const type = message.type;
  if (typeof type !== "string" || type.length === 0 || type.length > MAX_TYPE_LENGTH) {
    return { ok: false, code: "missing-type", ref: message.ref };
  }
  return { ok: true, message: message as RelayedMessage };
}

/**
 * The JSON text of an object with `"name": name` added as its last member, built from the text
 * the object was parsed from, which must not have a `name` of its own. The result parses to what
 * `JSON.stringify` of the object with `name` set would give, without serializing the payload
 * again: an offer's SDP is kilobytes, and re-serializing it was the largest cost of relaying
 * (docs/performance.md). `text` parsed to an object, so its last `}` closes it.
 */
export function appendName(text: string, name: string): string {
  return `${text.slice(0, text.lastIndexOf("}"))},"name":${JSON.stringify(name)}}`;
}

/** `,"name":<name>}`: what `appendNameToBytes` puts in place of an object's closing brace. */
export function nameSuffix(name: string): Buffer {
  return Buffer.from(`,"name":${JSON.stringify(name)}}`);
}

/**
 * `appendName` on the UTF-8 bytes the object was parsed from, with `suffix` from `nameSuffix`:
 * the result is bytes, so the payload is neither serialized nor encoded again on its way out.
 */
export function appendNameToBytes(bytes: Buffer, suffix: Buffer): Buffer {
  const end = bytes.lastIndexOf(0x7d);
  return Buffer.concat([bytes.subarray(0, end), suffix], end + suffix.length);
}
