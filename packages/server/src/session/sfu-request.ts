import { SfuClientMessage } from "@switchboard/protocol";
import type { DecodedMessage } from "../wire/codec.js";
import { ProtocolError } from "../wire/protocol-error.js";
import { validate } from "../wire/validate.js";
import type { SfuRequests } from "./session-context.js";
import type { Session } from "./session.js";

/** An `sfu-*` message, for the media server's side of the sender's SFU call. */
export function sfuRequest(sfu: SfuRequests | undefined, session: Session, message: DecodedMessage): Promise<void> {
  const request = validate(SfuClientMessage, message);
  if (!sfu) throw new ProtocolError("no-call", "This server has no media server (JANUS_URL): its group calls are meshes.");
  return sfu.handle(session.room, session.name!, request);
}
