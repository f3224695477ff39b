import type { SessionHandover } from "./bus.js";

/** How long `takeSession` waits for the other node's answer. */
const TAKE_TIMEOUT_MS = 1500;

export type TakeAnswer = SessionHandover | undefined | "unreachable";

/** The `takeSession` requests waiting for their answer, by id: "unreachable" once `timeoutMs` passed. */
export class TakeRequests {
  #last = 0;
  readonly #waiting = new Map<number, (answer: TakeAnswer) => void>();

  constructor(private readonly timeoutMs = TAKE_TIMEOUT_MS) {}

  open(): { id: number; answer: Promise<TakeAnswer> } {
    const id = ++this.#last;
    const answer = new Promise<TakeAnswer>((resolve) => {
      const timer = setTimeout(() => this.answer(id, "unreachable"), this.timeoutMs);
      this.#waiting.set(id, (value) => {
        clearTimeout(timer);
        this.#waiting.delete(id);
        resolve(value);
      });
    });
    return { id, answer };
  }

  /** Settles request `id` if it still waits. */
  answer(id: number, answer: TakeAnswer): void {
    this.#waiting.get(id)?.(answer);
  }

  /** Every request waiting: "unreachable". */
  abandon(): void {
    for (const settle of [...this.#waiting.values()]) settle("unreachable");
  }
}
