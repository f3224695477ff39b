/** Messages that may wait while one before them waits for the cluster's store, and their bytes. */
const MAX_WAITING_MESSAGES = 256;
const MAX_WAITING_BYTES = 1 << 20;

interface Waiting {
  data: Buffer;
  isBinary: boolean;
}

/**
 * Keeps a session's messages in the order they came while one of them waits for the store (a
 * login, public chat, a group-call place): those that arrive meanwhile wait here, bounded, and
 * are handled once it is done, in order, each of them free to wait in turn.
 */
export class WaitingMessages {
  #queue: Waiting[] | null = null;
  #bytes = 0;

  /** Something is waiting for the store: new messages must queue. */
  get holding(): boolean {
    return this.#queue !== null;
  }

  /** False when the queue is full (the message is dropped). */
  add(data: Buffer, isBinary: boolean): boolean {
    const queue = this.#queue!;
    if (queue.length >= MAX_WAITING_MESSAGES || this.#bytes + data.length > MAX_WAITING_BYTES) return false;
    queue.push({ data, isBinary });
    this.#bytes += data.length;
    return true;
  }

  /** Holds new messages until `pending` settles, then hands each to `handle` while nothing holds again. */
  holdUntil(pending: Promise<unknown>, handle: (data: Buffer, isBinary: boolean) => void): void {
    this.#queue = [];
    this.#bytes = 0;
    void pending.finally(() => {
      const queue = this.#queue;
      if (queue === null) return;
      this.#queue = null;
      while (queue.length > 0 && this.#queue === null) {
        const next = queue.shift()!;
        handle(next.data, next.isBinary);
      }
      // One of them waits in turn: the rest wait behind it.
      if (this.#queue !== null) {
        this.#queue = queue;
        this.#bytes = queue.reduce((bytes, next) => bytes + next.data.length, 0);
      }
    });
  }

  /** The session ended: nothing more is handled. */
  clear(): void {
    this.#queue = null;
    this.#bytes = 0;
  }
}
