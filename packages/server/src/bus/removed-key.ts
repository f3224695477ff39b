import { createHash } from "node:crypto";

/**
 * How a room's settings remember a removed name: the SHA-1 (hex) of each of its look-alike keys,
 * the same as Lua's `redis.sha1hex`, so that the store can check them too (see the restore
 * script). Fixed-length whatever the name (a key can be far longer than the name it comes from).
 */
export function removedKey(nameKey: string): string {
  return createHash("sha1").update(nameKey, "utf8").digest("hex");
}
