import { ProtocolError } from "../wire/protocol-error.js";

/**
 * One room's group call: who is in it, in the order they joined (as the cluster's store has
 * it). A mesh connects each pair directly, so every participant uploads its media once per
 * other participant: past `capacity` a join is refused instead of degrading everyone's call.
 */
export class GroupCall {
  readonly #participants = new Set<string>();

  constructor(private readonly capacity: number) {}

  get size(): number {
    return this.#participants.size;
  }

  has(name: string): boolean {
    return this.#participants.has(name);
  }

  /** Throws `group-call-full` when every place is taken. */
  checkRoom(): void {
    if (this.#participants.size >= this.capacity) throw groupCallFull(this.capacity);
  }

  /** The participants as the cluster has them, in join order; false when nothing changed. */
  replaceWith(participants: readonly string[]): boolean {
    const current = [...this.#participants];
    if (current.length === participants.length && current.every((name, i) => name === participants[i])) return false;
    this.#participants.clear();
    for (const name of participants) this.#participants.add(name);
    return true;
  }

  /** Removes `name`; false when it was not in. */
  leave(name: string): boolean {
    return this.#participants.delete(name);
  }

  /** In join order. */
  participants(): string[] {
    return [...this.#participants];
  }
}

export function groupCallFull(capacity: number): ProtocolError {
  return new ProtocolError(
    "group-call-full",
    `All ${capacity} places are taken (MAX_MESH_PARTICIPANTS): each participant connects to every other, so more would overload them. Try again when someone leaves.`,
  );
}
