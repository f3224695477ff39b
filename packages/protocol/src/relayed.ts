/**
 * Relayed messages: what one user sends another, as the recipient gets it, and the union of
 * every frame a server sends.
 */
import { z } from "zod";
import {
  CALL_MESSAGE_TYPES,
  CLIENT_CONTROL_TYPES,
  CallAcceptMessage,
  CallCancelMessage,
  CallDeclineMessage,
  CallInviteMessage,
  HangUpMessage,
  MediaStateMessage,
  NewIceCandidateMessage,
  SERVER_MESSAGE_TYPES,
  ServerOriginatedMessage,
  VideoAnswerMessage,
  VideoOfferMessage,
} from "./messages.js";

const UserName = z.string().max(256);
const Target = z.string().max(256);

// The server stamps the sender twice: `name` (the article's field) and `from`. Only relayed
// messages carry `from`, and the server overwrites whatever a sender put there, so a client
// tells a peer's message from the server's by that field alone, whatever its type.

const stamped = { name: UserName, from: UserName };

/** A call message as relayed: the sender is stamped. */
export const RelayedCallMessage = z.discriminatedUnion("type", [
  CallInviteMessage.extend(stamped),
  CallAcceptMessage.extend(stamped),
  CallDeclineMessage.extend(stamped),
  CallCancelMessage.extend(stamped),
  VideoOfferMessage.extend(stamped),
  VideoAnswerMessage.extend(stamped),
  NewIceCandidateMessage.extend(stamped),
  MediaStateMessage.extend(stamped),
  HangUpMessage.extend(stamped),
]);
export type RelayedCallMessage = z.infer<typeof RelayedCallMessage>;


/** Longest message `type`. */
export const MAX_TYPE_LENGTH = 64;

/** A message of a type neither the server nor the call protocol defines: the apps' own. */
export const RelayedAppMessage = z.looseObject({
  type: z
    .string()
    .min(1)
    .max(MAX_TYPE_LENGTH)
    .refine((type) => !SERVER_MESSAGE_TYPES.has(type) && !CALL_MESSAGE_TYPES.has(type), "is not an app-defined type"),
  ...stamped,
  target: Target.optional().nullable(),
});
export type RelayedAppMessage = z.infer<typeof RelayedAppMessage>;

/** True for a type that apps may define and relay freely. */
export function isAppMessageType(type: string): boolean {
  return !SERVER_MESSAGE_TYPES.has(type) && !CALL_MESSAGE_TYPES.has(type) && !CLIENT_CONTROL_TYPES.has(type);
}

/** Every frame a server sends: its own messages, and what it relays. */
export const ServerMessage = z.union([ServerOriginatedMessage, RelayedCallMessage, RelayedAppMessage]);
export type ServerMessage = z.infer<typeof ServerMessage>;
