import type { AckMessage, Ref, SfuAnswerMessage, WelcomeMessage } from "@switchboard/protocol";
import { PendingRequests } from "./pending-requests.js";
import { SignalingError } from "./signaling-error.js";
import type { OutgoingMessage } from "./signaling-types.js";
import { WEBSOCKET_OPEN, type WebSocketLike } from "./websocket-like.js";

/** What answers a request: `ack`, `welcome` for `hello`, `sfu-answer` for `sfu-publish`. */
export type Reply = AckMessage | WelcomeMessage | SfuAnswerMessage;

interface Outgoing {
  message: OutgoingMessage;
  /** Present for requests: how to settle them. */
  request?: { ref: Ref; timeoutMs: number; resolve(reply: Reply): void; reject(error: SignalingError): void };
}

/**
 * The sending half of the client: writes to the current socket, or queues (bounded) while
 * there is none ready, and tracks requests until their `ack`/`error`. The client decides when
 * sending is allowed; this class only does it.
 */
export class Outbound {
  /** The socket to write to; null while disconnected. */
  socket: WebSocketLike | null = null;
  readonly pending = new PendingRequests<Reply>();
  readonly #queue: Outgoing[] = [];
  #nextRef = 0;

  constructor(
    private readonly maxQueued: number,
    /** Where failures of messages without a request go. */
    private readonly reportError: (error: SignalingError) => void,
  ) {}

  request(message: OutgoingMessage, timeoutMs: number, sendNow: boolean): Promise<Reply> {
    return new Promise((resolve, reject) => {
      const ref = `r${++this.#nextRef}`;
      this.#dispatch({ message: { ...message, ref }, request: { ref, timeoutMs, resolve, reject } }, sendNow);
    });
  }

  send(message: OutgoingMessage, sendNow: boolean): void {
    this.#dispatch({ message }, sendNow);
  }

  /** Sends what was queued, in order. */
  flush(): void {
    // Sending can fail and report synchronously: take the queue first.
    for (const outgoing of this.#queue.splice(0)) this.#transmit(outgoing);
  }

  /** The connection dropped: requests already sent cannot be answered any more. */
  failInFlight(): void {
    this.pending.rejectAll((ref) =>
      SignalingError.client("connection-lost", "The connection dropped before the server answered.", ref),
    );
  }

  /** Final: every request, sent or queued, fails with `reason`; queued messages are dropped. */
  failAll(reason: SignalingError): void {
    const withRef = (ref?: Ref) => new SignalingError(reason.source, reason.code, reason.message, ref);
    this.pending.rejectAll(withRef);
    for (const { request } of this.#queue.splice(0)) request?.reject(withRef(request.ref));
  }

  #dispatch(outgoing: Outgoing, sendNow: boolean): void {
    if (sendNow) {
      this.#transmit(outgoing);
      return;
    }
    if (this.#queue.length >= this.maxQueued) {
      const error = SignalingError.client("queue-full", `Not sent (${outgoing.message.type}): the send queue is full.`);
      if (outgoing.request) outgoing.request.reject(error);
      else this.reportError(error);
      return;
    }
    this.#queue.push(outgoing);
  }

  #transmit({ message, request }: Outgoing): void {
    const socket = this.socket;
    if (request) this.pending.add(request.ref, request.timeoutMs, request.resolve, request.reject);
    try {
      if (!socket || socket.readyState !== WEBSOCKET_OPEN) throw new Error("socket not open");
      socket.send(JSON.stringify(message));
    } catch (cause) {
      const error = SignalingError.client("connection-lost", `Not sent (${message.type}): the connection is down.`, request?.ref, cause);
      if (request) this.pending.reject(request.ref, error);
      else this.reportError(error);
    }
  }
}
