import { z } from "zod";

/* The fields that messages of several kinds share, as sent (bounded here, checked further by the server). */

/** A request id chosen by the client; the server echoes it in `ack` and `error`. */
export const Ref = z.union([z.string().max(64), z.number().int()]);
export type Ref = z.infer<typeof Ref>;

export const UserName = z.string().max(256);
export const Target = z.string().max(256);
/** A room's name as sent; the server checks it like a user name (`checkRoomName`). */
export const RoomName = z.string().max(256);
/** A sign-in token (a JWT, compact form) as sent; the server verifies it (AUTH=jwt). */
export const SignInToken = z.string().max(8192);
/** A room password as sent (open mode: a moderator sets one with `moderate`). */
export const RoomPassword = z.string().max(256);
