/** What the counter needs of a socket: to hear, once, that it closed. */
export interface ClosableSocket {
  /** Node streams set it once 'close' has been emitted. */
  readonly closed?: boolean;
  on(event: "close", listener: () => void): unknown;
}

/**
 * Open sockets per key (an address). A counted socket gives its place back when it closes, and
 * only then, exactly once: accounting follows the socket's life, so no path that ends a
 * connection (a refused handshake, a reset, a timeout) can leak a place.
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

  /** Counts `socket` under `key`, or refuses it (false) when the key is at its limit. */
  tryAdd(key: string, socket: ClosableSocket): boolean {
    if (this.limit > 0 && this.count(key) >= this.limit) return false;
    this.add(key, socket);
    return true;
  }

  add(key: string, socket: ClosableSocket): void {
    // Already closed: its 'close' has gone by and would never give the place back.
    if (socket.closed) return;
    this.#open.set(key, this.count(key) + 1);
    this.#total++;
    // Not `once`: its wrapper costs two more objects per socket, and a flag does the same.
    let counted = true;
    socket.on("close", () => {
      if (counted) this.#release(key);
      counted = false;
    });
  }

  #release(key: string): void {
    const open = this.count(key) - 1;
    if (open <= 0) this.#open.delete(key);
    else this.#open.set(key, open);
    this.#total--;
  }
}
