const encoder = new TextEncoder();

/**
 * The logged-in names as JSON array members (`"a","b"`), in login order, encoded once: every
 * `userlist` snapshot is a view of it, so a login costs neither an encoding of all N names nor,
 * while its client has not confirmed it, a copy of them. A login appends; the bytes a view covers
 * are never written again (growing copies to a new buffer). A logout makes it stale, and the
 * next snapshot rebuilds it.
 */
export class Roster {
  #bytes = new Uint8Array(256);
  #length = 0;
  #stale = false;

  add(name: string): void {
    if (this.#stale) return;
    const piece = encoder.encode(this.#length === 0 ? JSON.stringify(name) : `,${JSON.stringify(name)}`);
    if (this.#length + piece.length > this.#bytes.length) {
      const grown = new Uint8Array(Math.max(2 * this.#bytes.length, this.#length + piece.length));
      grown.set(this.#bytes.subarray(0, this.#length));
      this.#bytes = grown;
    }
    this.#bytes.set(piece, this.#length);
    this.#length += piece.length;
  }

  invalidate(): void {
    this.#stale = true;
  }

  /** The roster as a view; `names` (all logged-in names, in login order) rebuilds a stale one. */
  view(names: () => Iterable<string>): Uint8Array {
    if (this.#stale) {
      const members: string[] = [];
      for (const name of names()) members.push(JSON.stringify(name));
      const encoded = encoder.encode(members.join(","));
      this.#bytes = new Uint8Array(Math.max(256, 2 * encoded.length));
      this.#bytes.set(encoded);
      this.#length = encoded.length;
      this.#stale = false;
    }
    return this.#bytes.subarray(0, this.#length);
  }
}
