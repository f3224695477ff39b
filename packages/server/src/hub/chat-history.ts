import type { DeliveredChatMessage } from "@switchboard/protocol";

/** The room's public chat: numbers each message and keeps the last `size` of them. */
export class ChatHistory {
  #seq = 0;
  readonly #messages: DeliveredChatMessage[] = [];

  constructor(private readonly size: number) {}

  /** Numbers `message` (sets its `seq`) and remembers it. */
  record(message: DeliveredChatMessage): void {
    message.seq = ++this.#seq;
    if (this.size === 0) return;
    this.#messages.push(message);
    if (this.#messages.length > this.size) this.#messages.shift();
  }

  recent(): DeliveredChatMessage[] {
    return [...this.#messages];
  }
}
