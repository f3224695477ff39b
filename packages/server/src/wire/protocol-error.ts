import type { ErrorCode } from "@switchboard/protocol";

/** A client's mistake, reported back to it as an `error` message; never fatal to the server. */
export class ProtocolError extends Error {
  override name = "ProtocolError";
  constructor(
    readonly code: ErrorCode,
    readonly detail?: string,
  ) {
    super(detail ? `${code}: ${detail}` : code);
  }
}
