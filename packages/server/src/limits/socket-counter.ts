/** What the limits need of a socket: to hear, once, that it closed. */
export interface ClosableSocket {
  /** Node streams set it once 'close' has been emitted. */
  readonly closed?: boolean;
  on(event: "close", listener: () => void): unknown;
}

/**
 * Open sockets per key (an address), with an optional cap per key. It only counts: tying each
 * place to its socket's life is `ConnectionLimits`' job.
 */
export class SocketCounter {
  readonly #open = new Map<string, number>();
  #total = 0;

  /** @param limit per key; 0: no limit. */
  constructor(private readonly limit = 0) {}

  get total(): number {
    return this.#total;
  }

  count(key: string): number {
    return this.#open.get(key) ?? 0;
  }

  /** Whether `key` is at its limit: one more would be refused. */
  isFull(key: string): boolean {
    return this.limit > 0 && this.count(key) >= this.limit;
  }

  add(key: string): void {
    this.#open.set(key, this.count(key) + 1);
    this.#total++;
  }

  release(key: string): void {
    const open = this.count(key) - 1;
    if (open <= 0) this.#open.delete(key);
    else this.#open.set(key, open);
    this.#total--;
  }
}
