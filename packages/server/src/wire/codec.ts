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

/** `,"name":<name>}`: what `appendName` puts in place of an object's closing brace. */
export function nameSuffix(name: string): Buffer {
  return Buffer.from(`,"name":${JSON.stringify(name)}}`);
}

/**
 * The UTF-8 JSON of an object with `"name"` added as its last member (`suffix` from
 * `nameSuffix`), built from the bytes the object was parsed from, which must not have a `name`
 * of its own. The result parses to what `JSON.stringify` of the object with `name` set would
 * give, without serializing the payload again nor encoding it again on its way out: an offer's
 * SDP is kilobytes, and re-serializing it was the largest cost of relaying
 * (docs/performance.md). `bytes` parsed to an object, so its last `}` closes it.
 */
export function appendName(bytes: Buffer, suffix: Buffer): Buffer {
  const end = bytes.lastIndexOf(0x7d);
  return Buffer.concat([bytes.subarray(0, end), suffix], end + suffix.length);
}
