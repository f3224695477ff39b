/** Moderation: a moderator's requests, the room's moderation state, and what everyone is told. */
import { z } from "zod";
import { Ref, RoomPassword, UserName } from "./fields.js";

export const ModerationAction = z.enum(["remove", "mute", "lock", "unlock", "end-call", "set-password"]);
export type ModerationAction = z.infer<typeof ModerationAction>;

/**
 * A moderator's request (anyone else gets `not-moderator`):
 * - `remove` `target` from the room, with an optional `reason` it is shown;
 * - ask `target` to `mute` its microphone;
 * - `lock` the room against new joins, `unlock` it;
 * - `end-call`: end the room's group call for everyone in it;
 * - `set-password`: `password` for new joins from now on (null: none).
 * Acked; everyone in the room hears of it as `moderated` (only `target` for `mute`).
 */
export const ModerateMessage = z.looseObject({
  type: z.literal("moderate"),
  action: ModerationAction,
  target: UserName.optional(),
  reason: z.string().max(200).optional(),
  password: RoomPassword.min(1).nullable().optional(),
  ref: Ref.optional(),
});
export type ModerateMessage = z.infer<typeof ModerateMessage>;

/**
 * The room's moderation state, sent to modern clients at login (after `group-call`) and whenever
 * it changes. `moderators`: who may moderate (open mode: the room's longest-present modern user).
 */
export const RoomStateMessage = z.object({
  type: z.literal("room-state"),
  locked: z.boolean(),
  passwordProtected: z.boolean(),
  moderators: z.array(z.string()),
});
export type RoomStateMessage = z.infer<typeof RoomStateMessage>;

/**
 * A moderator (`by`) acted: `remove` (`target` removed, with `reason`; the target's connection
 * closes next with `removed`), `mute` (sent to `target` alone: please mute your microphone),
 * `lock`, `unlock`, `end-call` (the group call is over), `set-password` (`reason` absent; the
 * room now has a password or, per `room-state`, none).
 */
export const ModeratedMessage = z.object({
  type: z.literal("moderated"),
  action: ModerationAction,
  by: z.string(),
  target: z.string().optional(),
  reason: z.string().optional(),
});
export type ModeratedMessage = z.infer<typeof ModeratedMessage>;
