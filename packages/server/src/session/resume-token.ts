import { randomFillSync } from "node:crypto";

const TOKEN_BYTES = 24;
// One call into the CSPRNG for many tokens, as Node's randomUUID does: a join storm asks for
// one token per login. Each byte is handed out once.
const POOL_TOKENS = 128;
const pool = Buffer.alloc(TOKEN_BYTES * POOL_TOKENS);
let next = POOL_TOKENS;

/** A fresh secret that lets one later connection take a session back (192 random bits). */
export function newResumeToken(): string {
  if (next === POOL_TOKENS) {
    randomFillSync(pool);
    next = 0;
  }
  const start = next++ * TOKEN_BYTES;
  return pool.toString("base64url", start, start + TOKEN_BYTES);
}
