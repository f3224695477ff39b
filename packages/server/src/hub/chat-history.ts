import type { DeliveredChatMessage } from "@switchboard/protocol";

export interface ChatHistoryLimits {
  /** Messages kept. */
  size: number;
  /** Bytes of their JSON kept, all together: what the `history` frame at login costs. */
  maxBytes: number;
}

/**
 * The room's public chat, as numbered by the store: keeps the last messages, at most `size` of them
 * and at most `maxBytes` of their encoded JSON, so that the `history` frame a login gets stays
 * bounded whatever people post.
 */
export class ChatHistory {
  readonly #messages: { message: DeliveredChatMessage; bytes: number }[] = [];
  #bytes = 0;

  constructor(private readonly limits: ChatHistoryLimits) {}

  /** Remembers a numbered message; `bytes` is the size of its JSON. */
  keep(message: DeliveredChatMessage, bytes: number): void {
    const { size, maxBytes } = this.limits;
    if (size === 0 || bytes > maxBytes) return;
    this.#messages.push({ message, bytes });
    this.#bytes += bytes;
    while (this.#messages.length > size || this.#bytes > maxBytes) this.#bytes -= this.#messages.shift()!.bytes;
  }

  recent(): DeliveredChatMessage[] {
    return this.#messages.map((kept) => kept.message);
  }

  /** Bytes of the kept messages' JSON. */
  get bytes(): number {
    return this.#bytes;
  }
}
