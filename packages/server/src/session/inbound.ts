import { Ref, type ErrorCode } from "@switchboard/protocol";
import type { Config } from "../config.js";
import { MessageRate } from "../limits/message-rate.js";
import type { Metrics } from "../metrics.js";
import { decodeFrame, type DecodedMessage } from "../wire/codec.js";
import { WaitingMessages } from "./waiting-messages.js";

/** What the inbound side needs of its session. */
export interface InboundTarget {
  /** Handles one message; a promise when it waits for the store (what arrives meanwhile waits too). */
  dispatch(message: DecodedMessage, ref: Ref | undefined, data: Buffer): Promise<void> | undefined;
  /** `dispatch` threw or its promise rejected. */
  failed(error: unknown, ref: Ref | undefined, type: string): void;
  reportError(code: ErrorCode, detail?: string, ref?: unknown): void;
  /** The session that messages held behind a resuming `hello` belong to, when it is another one. */
  successor(): { receive(data: Buffer, isBinary: boolean): void } | undefined;
  /** Closes the connection: it kept flooding far above its rate. */
  cutOff(): void;
}

/**
 * A session's incoming messages, in order: the rate limit first (a flood costs as little as
 * possible), then size, decoding and envelope checks, then its session's dispatch, holding what
 * arrives behind a message that waits for the store.
 */
export class InboundMessages {
  readonly #rate: MessageRate;
  /** Closed for abuse: what is still in flight from it is ignored. */
  #cutOff = false;
  readonly #waiting = new WaitingMessages();

  constructor(
    private readonly config: Pick<Config, "maxMessageBytes" | "maxNestingDepth" | "rateLimitPerSecond" | "rateLimitBurst">,
    private readonly metrics: Metrics,
    private readonly target: InboundTarget,
  ) {
    this.#rate = new MessageRate(config.rateLimitPerSecond, config.rateLimitBurst);
  }

  /** One incoming WebSocket message. */
  receive(data: Buffer, isBinary: boolean): void {
    const { metrics } = this;
    if (this.#cutOff) return;
    metrics.messagesReceived++;
    const verdict = this.#rate.check(Date.now());
    if (verdict !== "accept") {
      metrics.rateLimited++;
      if (verdict === "drop-and-report") this.target.reportError("rate-limited");
      if (verdict === "cut") {
        this.#cutOff = true;
        metrics.rateLimitAbusersCut++;
        this.target.cutOff();
      }
      return;
    }
    if (!this.#waiting.holding) return this.#handle(data, isBinary);
    if (this.#waiting.add(data, isBinary)) return;
    metrics.rateLimited++;
    this.target.reportError("rate-limited", "Too many messages while the one before them waits for the server.");
  }

  /** Drops what is held: the session is over here. */
  clear(): void {
    this.#waiting.clear();
  }

  #handle(data: Buffer, isBinary: boolean): void {
    const { config, target } = this;
    if (isBinary) return target.reportError("binary-frame");
    if (data.length > config.maxMessageBytes) {
      this.metrics.framesTooLarge++;
      return target.reportError("frame-too-large", `${data.length} bytes; the limit is ${config.maxMessageBytes}.`);
    }
    const decoded = decodeFrame(data.toString("utf8"), config.maxNestingDepth);
    if (!decoded.ok) return target.reportError(decoded.code, undefined, decoded.ref);

    const message = decoded.message;
    // Most messages have no ref: skip the schema then (a failed zod parse allocates an error).
    const ref = message.ref === undefined ? undefined : Ref.safeParse(message.ref).data;
    try {
      const pending = target.dispatch(message, ref, data);
      if (pending) this.#waitFor(pending, ref, message.type);
    } catch (error) {
      target.failed(error, ref, message.type);
    }
  }

  /** Holds what arrives until `pending` settles, then handles it in order. */
  #waitFor(pending: Promise<void>, ref: Ref | undefined, type: string): void {
    const settled = pending.catch((error: unknown) => this.target.failed(error, ref, type));
    this.#waiting.holdUntil(settled, (data, isBinary) => {
      // What came after a `hello` that resumed another session is that session's.
      const successor = this.target.successor();
      if (successor) successor.receive(data, isBinary);
      else this.#handle(data, isBinary);
    });
  }
}
