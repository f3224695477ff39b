import { Identity } from "@switchboard/protocol";
import { z } from "zod";

/**
 * A logged-in session on its way from one node to another (its client resumed there): what the
 * receiving node rebuilds it from, checked there like anything else that arrives from outside.
 * The frames its client has not confirmed travel beside it (`SessionHandover.frames`).
 */
export const HandedOverSession = z.object({
  id: z.string().min(1).max(64),
  name: z.string().min(1).max(256),
  room: z.string().min(1).max(256),
  /** What it asked for at login: a room switch asks for it again. */
  requestedName: z.string().max(1024),
  requestedRoom: z.string().min(1).max(256),
  busy: z.boolean(),
  /** Who it is in a call with: its new node routes its untargeted call messages to them. */
  partners: z.array(z.string().min(1).max(256)).max(256),
  /** Frames numbered so far; the last of the unconfirmed frames is this one. */
  sent: z.number().int().nonnegative(),
  /** AUTH=jwt: who its token said it is, and when that runs out. */
  identity: Identity.optional(),
});
export type HandedOverSession = z.infer<typeof HandedOverSession>;

/**
 * How a resuming `hello` ends: the session moved onto the new connection ("resumed"), a fresh
 * one, or a fresh one in the place of a session whose node is gone (its name back at login).
 */
export type ResumeOutcome = "resumed" | "fresh" | { replaces: { session: string; name: string; room: string } };
