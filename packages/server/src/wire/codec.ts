import { MAX_TYPE_LENGTH, type ErrorCode } from "@switchboard/protocol";

/** A decoded message: an object with a string `type`; its payload is not interpreted yet. */
export type DecodedMessage = Record<string, unknown> & { type: string };

export type Decoded = { ok: true; message: DecodedMessage } | { ok: false; code: ErrorCode; ref?: unknown };

/**
 * Text frame -> message with a string `type`. Parses once; knows nothing of sockets.
 * Only the envelope is checked here, and the nesting depth of the whole message (once, so that
 * nothing later, a schema, a serializer, a history, ever walks a hostile depth): each type's
 * own schema is applied where it is handled, and types the server does not know are passed
 * through as they are.
 */
export function decodeFrame(text: string, maxDepth: number): Decoded {
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
  if (nestsDeeperThan(message, maxDepth)) return { ok: false, code: "too-deep", ref: message.ref };
  return { ok: true, message: message as DecodedMessage };
}

/**
 * Whether `value` has objects or arrays nested more than `limit` deep (the message itself is
 * depth 1). Recursion stops at the limit, so the walk never goes deeper than `limit` frames,
 * and it visits containers only: a kilobytes-long SDP string is one step.
 */
export function nestsDeeperThan(value: object, limit: number): boolean {
  if (limit <= 0) return true;
  if (Array.isArray(value)) {
    for (const item of value) if (typeof item === "object" && item !== null && nestsDeeperThan(item, limit - 1)) return true;
    return false;
  }
  for (const key in value) {
    const item = (value as Record<string, unknown>)[key];
    if (typeof item === "object" && item !== null && nestsDeeperThan(item, limit - 1)) return true;
  }
  return false;
}
