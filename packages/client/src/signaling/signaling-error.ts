import type { ErrorCode, Ref } from "@switchboard/protocol";

/** Failures the client detects itself, as opposed to codes the server sends. */
export type ClientErrorCode =
  /** The server did not answer a request in time. */
  | "timeout"
  /** The connection dropped after the request was sent; the server may or may not have acted on it. */
  | "connection-lost"
  /** `close()` was called, or reconnecting gave up. */
  | "closed"
  /** The send queue (used while reconnecting) is full. */
  | "queue-full"
  /** The server sent something that is not a valid protocol message. */
  | "invalid-server-message"
  /** Another connection resumed this session (with its token): this client stopped (close code 4001). */
  | "session-replaced"
  /** AUTH=jwt: the server ended the session, its token expired (close code 4401). Sign in with a new token. */
  | "sign-in-required"
  /** A moderator removed us from the room (close code 4403): this client stopped. */
  | "removed"
  /** The token function failed (threw, or rejected) when a renewal was due. */
  | "token-renewal-failed";

/**
 * Every error the SDK reports. `source` tells who decided: "server" errors carry the server's
 * stable code from the protocol's catalog (e.g. "unknown-target"); "client" errors one of ours.
 */
export class SignalingError extends Error {
  override readonly name = "SignalingError";

  constructor(
    readonly source: "server" | "client",
    /** A server code (see the protocol's ERROR_CODES; unknown future codes pass through) or a ClientErrorCode. */
    readonly code: ErrorCode | ClientErrorCode | (string & {}),
    message: string,
    /** The request this error answers, if any. */
    readonly ref?: Ref,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  static client(code: ClientErrorCode, message: string, ref?: Ref, cause?: unknown): SignalingError {
    return new SignalingError("client", code, message, ref, cause === undefined ? undefined : { cause });
  }
}
