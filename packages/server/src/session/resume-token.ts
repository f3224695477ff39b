import { randomBytes } from "node:crypto";

/** A fresh secret that lets one later connection take a session back (192 random bits). */
export function newResumeToken(): string {
  return randomBytes(24).toString("base64url");
}
