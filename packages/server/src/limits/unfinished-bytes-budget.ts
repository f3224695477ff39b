/** One connection's part of the budget. */
export interface BudgetShare {
  /** Bytes this connection holds of messages still arriving. */
  readonly bytes: number;
}

interface Share extends BudgetShare {
  bytes: number;
  /** Cut off: it no longer counts, whatever it still reports. */
  evicted: boolean;
  evict(): void;
}

/**
 * A server-wide budget of bytes buffered for messages that have not finished arriving. Past it,
 * the connection holding the most is evicted (closed by its owner) and stops counting, until
 * the total is back under the budget: one slow sender of a huge message goes, not the many
 * whose small message happened to arrive at that moment.
 */
export class UnfinishedBytesBudget {
  #total = 0;
  readonly #holding = new Set<Share>();

  constructor(readonly maxBytes: number) {}

  get totalBytes(): number {
    return this.#total;
  }

  /** A new connection's share; `evict` is called at most once, when it must go. */
  open(evict: () => void): BudgetShare {
    const share: Share = { bytes: 0, evicted: false, evict };
    return share;
  }

  /** `share` now holds `delta` bytes more (or fewer). */
  change(share: BudgetShare, delta: number): void {
    const own = share as Share;
    if (delta === 0 || own.evicted) return;
    own.bytes += delta;
    this.#total += delta;
    if (own.bytes > 0) this.#holding.add(own);
    else this.#holding.delete(own);
    while (this.#total > this.maxBytes) this.#evict(this.#largest());
  }

  /** The connection closed: what it held is freed. */
  close(share: BudgetShare): void {
    const own = share as Share;
    if (own.evicted) return;
    this.#remove(own);
    own.evicted = true;
  }

  #largest(): Share {
    let largest: Share | undefined;
    for (const share of this.#holding) if (!largest || share.bytes > largest.bytes) largest = share;
    return largest!;
  }

  #evict(share: Share): void {
    this.#remove(share);
    share.evicted = true;
    share.evict();
  }

  #remove(share: Share): void {
    this.#total -= share.bytes;
    share.bytes = 0;
    this.#holding.delete(share);
  }
}
