import type { ModerateMessage } from "@switchboard/protocol";
import type { Hub } from "../hub/hub.js";
import type { Logger } from "../logger.js";
import { ProtocolError } from "../wire/protocol-error.js";
import type { Session } from "./session.js";

/** A moderator's request, logged done or refused: who moderated what is an operator's question. */
export async function moderationRequest(hub: Hub, logger: Logger, session: Session, message: ModerateMessage): Promise<void> {
  const entry = { session: session.id, by: session.name, room: session.room, action: message.action, target: message.target };
  try {
    await hub.moderate(session, message);
  } catch (error) {
    logger.warn({ ...entry, refused: error instanceof ProtocolError ? error.code : "internal-error" }, "moderation refused");
    throw error;
  }
  logger.info({ ...entry, reason: message.reason }, "moderation");
}
