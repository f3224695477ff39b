import type { JanusMessage, Session } from "janode";
import Handle from "janode/handle";

const VIDEOROOM_PLUGIN = "janus.plugin.videoroom";
const PLUGIN_EVENT = "videoroom-event";

/** The videoroom plugin's `error` (its code and reason, e.g. 427 "Room 1 already exists"). */
export class VideoroomRefusal extends Error {
  override name = "VideoroomRefusal";
  constructor(
    readonly code: number | undefined,
    reason: string,
  ) {
    super(code === undefined ? reason : `${code} ${reason}`);
  }
}

/** What a videoroom reply or event carries: the plugin's data, and an SDP with some. */
export interface VideoroomMessage {
  data: Record<string, unknown>;
  jsep?: { type: string; sdp: string };
}

/**
 * A handle on Janus's videoroom plugin. janode hands it every plugin message: a reply closes its
 * request's transaction (an `error` in it rejects the request); anything else is an event, for
 * `onEvent` listeners. Every request has a deadline.
 */
export class VideoroomHandle extends Handle {
  static attach(session: Session): Promise<VideoroomHandle> {
    return session.attach({ id: VIDEOROOM_PLUGIN, Handle: VideoroomHandle });
  }

  override handleMessage(message: JanusMessage): JanusMessage | null {
    const data = message.plugindata?.data;
    if (!data) return null;
    const transaction = message.transaction;
    if (transaction !== undefined && this.ownsTransaction(transaction)) {
      if (typeof data.error === "string") {
        const code = typeof data.error_code === "number" ? data.error_code : undefined;
        this.closeTransactionWithError(transaction, new VideoroomRefusal(code, data.error));
      } else {
        this.closeTransactionWithSuccess(transaction, message);
      }
    } else {
      this.emit(PLUGIN_EVENT, toVideoroomMessage(message, data));
    }
    return message;
  }

  /** A request to the plugin (with an SDP for some); resolves with its reply, rejects with the plugin's or Janus's error. */
  async request(body: Record<string, unknown>, timeoutMs: number, jsep?: { type: string; sdp: string; rid_order?: "lmh" }): Promise<VideoroomMessage> {
    const reply = await this.sendRequest({ janus: "message", body, ...(jsep ? { jsep } : {}) }, timeoutMs);
    return toVideoroomMessage(reply, reply.plugindata?.data ?? {});
  }

  /** Trickles one of the peer's ICE candidates to Janus (null: the peer has gathered them all). */
  async trickleCandidate(candidate: { candidate: string; sdpMid?: string; sdpMLineIndex?: number } | null, timeoutMs: number): Promise<void> {
    await this.sendRequest({ janus: "trickle", candidate: candidate ?? { completed: true } }, timeoutMs);
  }

  /** Events of the plugin that answer no request of this handle (publishers coming and going, new offers). */
  onEvent(listener: (message: VideoroomMessage) => void): void {
    this.on(PLUGIN_EVENT, listener);
  }
}

function toVideoroomMessage(message: JanusMessage, data: Record<string, unknown>): VideoroomMessage {
  return message.jsep ? { data, jsep: message.jsep } : { data };
}
