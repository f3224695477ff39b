/**
 * The error catalog: every `code` the server can put in an `error` message, with the default
 * human text. Codes are stable API; the texts may change. docs/protocol.md lists the same codes
 * (a test keeps the two in sync).
 */
export const ERROR_CODES = {
  "bad-json": "The frame is not valid JSON.",
  "not-an-object": "A message must be a JSON object.",
  "missing-type": 'A message needs a "type": a string of 1 to 64 characters.',
  "too-deep": "The message nests objects or arrays deeper than the server's limit.",
  "reserved-type": "That type is the server's own: clients cannot send it to other users.",
  "invalid-message": "The message does not match its schema.",
  "binary-frame": "Binary frames are not accepted; send JSON text.",
  "frame-too-large": "The message is larger than the server's limit.",
  "bad-name":
    "A user name is 1 to 32 letters of one script, digits, spaces, '_', '-' or '.', with no leading or trailing space and nothing invisible.",
  "not-logged-in": 'Log in with a "username" message first.',
  "already-logged-in": "This connection is already logged in.",
  "hello-after-login": '"hello" must come before "username".',
  "unsupported-protocol": "The server does not speak that protocol version.",
  "text-too-long": "The chat text is longer than the server's limit.",
  "unknown-target": "No user of that name is online.",
  "bad-room": "A room name is 1 to 64 letters, digits, spaces, '_', '-' or '.', in one script, like a user name.",
  "group-call-full": "The group call is full.",
  "no-call": "This call message has no target and you are in no call.",
  "internal-error": "The server failed to handle this message; nothing else is affected.",
  "rate-limited": "Too many messages: this one was dropped. Slow down.",
  "too-many-logins": "Too many logins from this address; try again in a minute.",
  unavailable: "The server cannot reach the rest of its cluster right now: try again in a moment.",
  "auth-required": 'This server needs a sign-in token: send it as "token" in "hello".',
  "invalid-token": "The sign-in token is not valid.",
  "token-expired": "The sign-in token has expired: get a new one.",
  "room-forbidden": "Your sign-in token does not let you into that room.",
  "name-in-use": "Someone is already signed in under your name in this room.",
  "room-locked": "The room is locked: nobody new can join it now.",
  "bad-password": "That room needs a password, and this is not it.",
  "not-moderator": "Only a moderator of this room can do that.",
  "media-unavailable": "The media server cannot be reached, and the call is too large for a mesh.",
  "media-failed": "The media server failed this request; try again.",
} as const satisfies Record<string, string>;

export type ErrorCode = keyof typeof ERROR_CODES;

/**
 * WebSocket close codes the server uses. 1000-1015 are RFC 6455's; 4000-4999 are ours.
 */
export const CLOSE_CODES = {
  /** A client leaving for good (log out, tab closed): the server ends its session at once. */
  normalClosure: 1000,
  /** A text frame that is not UTF-8 (closed by the WebSocket layer). */
  invalidUtf8: 1007,
  /** A message above the hard size cap: the server cannot skip it safely, so it closes. */
  messageTooBig: 1009,
  /** The server is restarting or shutting down: reconnect (to the next process). */
  serviceRestart: 1012,
  /**
   * The server is holding too many bytes of unfinished messages, and this connection held the
   * most: it is closed to free them. Try again later.
   */
  tryAgainLater: 1013,
  /** Sent by a client that closes its connection to reconnect at once: keep its session. */
  reconnecting: 4000,
  /** The session was resumed on another connection; this one is closed. */
  sessionReplaced: 4001,
  /** The client kept sending far above its rate limit. */
  rateLimitAbuse: 4008,
  /**
   * AUTH=jwt, and the client cannot sign in: an article client (it has no way to send a token), or
   * a session whose token ran out without `renew-token`. Do not reconnect without a new token.
   */
  signInRequired: 4401,
  /** A moderator removed the user from the room (the `moderated` message before says why). Do not reconnect. */
  removed: 4403,
} as const;
