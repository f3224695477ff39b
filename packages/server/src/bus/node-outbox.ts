import type { Delivery, SessionHandover } from "./bus.js";
import { NodeBatch } from "./wire-envelope.js";

/** A batch this large goes out without waiting for the end of the turn. */
export const BATCH_CAP_BYTES = 256 * 1024;
/** A new batch's room, at least: after a larger one, that one's size. */
const MIN_BATCH_BYTES = 8 * 1024;

interface Pending {
  readonly batch: NodeBatch;
  /** Its relays, in order: they come back when nobody receives the batch. */
  readonly relays: Delivery[];
  /** What waits for its PUBLISH's count of receivers (takes and handovers). */
  waiting?: { resolve(receivers: number): void; reject(error: unknown): void }[];
}

/**
 * What a node sends other nodes' channels: everything for one node within one turn of the event
 * loop goes out as one PUBLISH, in the order it was sent, when the turn ends (setImmediate) or
 * once it holds BATCH_CAP_BYTES. A per-message PUBLISH costs the node far more than Redis: a
 * command, a promise, a serialization and copies of the frame each.
 *
 * A PUBLISH that no node receives (its node is gone) gives its relays back, in order. The bus
 * calls `flush()` before any other command, so that what it sends keeps the order of its calls:
 * relays and events (a broadcast, a logout) reach a node as they did one PUBLISH each.
 */
export class NodeOutbox {
  readonly #pending = new Map<string, Pending>();
  #scheduled = false;
  /** The last batch's size: the next is likely as large. */
  #lastBytes = 0;

  constructor(
    private readonly publish: (node: string, message: Buffer) => Promise<number>,
    private readonly returned: (delivery: Delivery) => void,
  ) {}

  relay(node: string, delivery: Delivery): void {
    const pending = this.#open(node);
    pending.batch.delivery("relay", delivery);
    pending.relays.push(delivery);
    this.#sendIfFull(node, pending);
  }

  /** Tells `node` that its relay found nobody here. */
  undelivered(node: string, delivery: Delivery): void {
    const pending = this.#open(node);
    pending.batch.delivery("undelivered", delivery);
    this.#sendIfFull(node, pending);
  }

  /** Resolves with the count of receivers of the PUBLISH that carried it. */
  take(node: string, id: number, token: string, from: string): Promise<number> {
    const pending = this.#open(node);
    pending.batch.take(id, token, from);
    return this.#receivers(node, pending);
  }

  /** Resolves with the count of receivers of the PUBLISH that carried it. */
  handover(node: string, id: number, handover: SessionHandover | undefined): Promise<number> {
    const pending = this.#open(node);
    pending.batch.handover(id, handover);
    return this.#receivers(node, pending);
  }

  /** Sends every batch now. */
  flush(): void {
    if (this.#pending.size === 0) return;
    for (const [node, pending] of this.#pending) this.#send(node, pending);
    this.#pending.clear();
  }

  #open(node: string): Pending {
    let pending = this.#pending.get(node);
    if (!pending) {
      pending = { batch: new NodeBatch(Math.max(MIN_BATCH_BYTES, this.#lastBytes)), relays: [] };
      this.#pending.set(node, pending);
      if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(this.#endOfTurn);
      }
    }
    return pending;
  }

  readonly #endOfTurn = () => {
    this.#scheduled = false;
    this.flush();
  };

  #receivers(node: string, pending: Pending): Promise<number> {
    const receivers = new Promise<number>((resolve, reject) => (pending.waiting ??= []).push({ resolve, reject }));
    this.#sendIfFull(node, pending);
    return receivers;
  }

  #sendIfFull(node: string, pending: Pending): void {
    if (pending.batch.byteLength < BATCH_CAP_BYTES) return;
    this.#pending.delete(node);
    this.#send(node, pending);
  }

  #send(node: string, { batch, relays, waiting }: Pending): void {
    this.#lastBytes = batch.byteLength;
    this.publish(node, batch.message()).then(
      (receivers) => {
        if (receivers === 0) for (const delivery of relays) this.returned(delivery);
        if (waiting) for (const { resolve } of waiting) resolve(receivers);
      },
      (error: unknown) => {
        for (const delivery of relays) this.returned(delivery);
        if (waiting) for (const { reject } of waiting) reject(error);
      },
    );
  }
}
