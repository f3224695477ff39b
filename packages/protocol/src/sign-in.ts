/**
 * Sign-in tokens (AUTH=jwt): the request that renews one, and who a token says its holder is.
 * `hello.token` carries the first one (messages.ts).
 */
import { z } from "zod";
import { Ref, SignInToken } from "./fields.js";

/**
 * AUTH=jwt: replaces the session's token before it expires (`welcome.identity.expiresAt`), with
 * one for the same name; acked with the new `expiresAt`. The session, its calls included, goes on.
 */
export const RenewTokenMessage = z.looseObject({
  type: z.literal("renew-token"),
  token: SignInToken,
  ref: Ref.optional(),
});
export type RenewTokenMessage = z.infer<typeof RenewTokenMessage>;

export const Role = z.enum(["member", "moderator"]);
export type Role = z.infer<typeof Role>;

/** AUTH=jwt: who the sign-in token says this user is. */
export const Identity = z.object({
  /** The name the session logs in under (a `username`'s `name` is ignored). */
  name: z.string(),
  role: Role,
  /** The rooms it may join; absent: any room. */
  rooms: z.array(z.string()).optional(),
  /** When the token expires (ms since the epoch): renew it before with `renew-token`. */
  expiresAt: z.number(),
});
export type Identity = z.infer<typeof Identity>;
