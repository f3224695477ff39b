import { randomBytes, scrypt, timingSafeEqual } from "node:crypto";
import { promisify } from "node:util";

const derive = promisify(scrypt) as (password: string, salt: Buffer, length: number, options: { N: number; r: number; p: number; maxmem: number }) => Promise<Buffer>;

/**
 * scrypt's cost: 2^14 x 8 x 128 bytes = 16 MiB and tens of milliseconds per check, on libuv's
 * thread pool (never the event loop). Guessing is bounded by the per-address login allowance too.
 */
const COST = { N: 1 << 14, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };
const KEY_BYTES = 32;

/**
 * A room password as the store keeps it: `scrypt$<salt>$<key>` (base64url), never the password,
 * so that Redis holds nothing a reader could log in with.
 */
export async function hashRoomPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password.normalize("NFC"), salt, KEY_BYTES, COST);
  return `scrypt$${salt.toString("base64url")}$${key.toString("base64url")}`;
}

/** Whether `password` is the one `hash` was made from (false for a malformed hash). */
export async function roomPasswordMatches(password: string, hash: string): Promise<boolean> {
  const [scheme, salt, key] = hash.split("$");
  if (scheme !== "scrypt" || salt === undefined || key === undefined) return false;
  const expected = Buffer.from(key, "base64url");
  if (expected.length !== KEY_BYTES) return false;
  const actual = await derive(password.normalize("NFC"), Buffer.from(salt, "base64url"), KEY_BYTES, COST);
  return timingSafeEqual(actual, expected);
}
