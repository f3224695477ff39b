import { isAppMessageType, MAX_TYPE_LENGTH, type RelayedAppMessage } from "@switchboard/protocol";

/**
 * An app-defined message from another user, as the `peer-message` event delivers it. The app
 * chooses the `type` (any type that is not the server's, the call protocol's or a request the
 * server interprets: see isAppMessageType) and the `data`.
 */
export interface PeerMessage {
  readonly type: string;
  /** The sender, as the server stamped it: never what the sender claimed. */
  readonly from: string;
  /** The recipient of a targeted message (us); null when it was sent to everyone. */
  readonly to: string | null;
  /** What the sender passed to sendToPeer() / broadcast(); undefined when nothing. */
  readonly data: unknown;
  /** The whole relayed frame, for senders that put their fields beside `type` (not the SDK). */
  readonly message: Readonly<RelayedAppMessage>;
}

/** A peer message that was dropped, as the `peer-message-invalid` event reports it. */
export interface InvalidPeerMessage {
  /** The stamped sender, when it is a string. */
  readonly from: string | null;
  /** The claimed type, when it is a string (at most 64 characters of it). */
  readonly type: string | null;
  readonly reason: string;
  readonly cause?: unknown;
}

/** An app-defined message on the wire. */
export interface AppMessageFrame {
  type: string;
  target?: string;
  data?: unknown;
  [key: string]: unknown;
}

/**
 * The wire form of an app-defined message: `{ type, target?, data? }`. Throws a TypeError when
 * `type` is not one apps may send, so a typo cannot turn into a call or server message.
 */
export function appMessage(type: string, data: unknown, target: string | null): AppMessageFrame {
  if (typeof type !== "string" || type.length === 0 || type.length > MAX_TYPE_LENGTH || !isAppMessageType(type)) {
    throw new TypeError(`Not an app-defined message type: ${JSON.stringify(type)} (reserved by the protocol, or not 1 to ${MAX_TYPE_LENGTH} characters).`);
  }
  if (target !== null && (typeof target !== "string" || target.length === 0)) {
    throw new TypeError("sendToPeer: the target must be a user name.");
  }
  const message: AppMessageFrame = target === null ? { type } : { type, target };
  if (data !== undefined) message.data = data;
  return message;
}

/** A relayed app message as the app sees it. */
export function peerMessage(message: RelayedAppMessage): PeerMessage {
  return { type: message.type, from: message.from, to: message.target ?? null, data: message.data, message };
}
