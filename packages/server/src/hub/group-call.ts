import { ProtocolError } from "../wire/protocol-error.js";

/**
 * One room's group call: who is in it, in the order they joined. A mesh connects each pair
 * directly, so every participant uploads its media once per other participant: past
 * `capacity` a join is refused instead of degrading everyone's call.
 */
export class GroupCall {
  readonly #participants = new Set<string>();

  constructor(private readonly capacity: number) {}

  get size(): number {
    return this.#participants.size;
  }

  /** Adds `name`; false when it was in already. Throws `group-call-full` past the cap. */
  join(name: string): boolean {
    if (this.#participants.has(name)) return false;
    if (this.#participants.size >= this.capacity) {
      throw new ProtocolError(
        "group-call-full",
        `All ${this.capacity} places are taken (MAX_MESH_PARTICIPANTS): each participant connects to every other, so more would overload them. Try again when someone leaves.`,
      );
    }
    this.#participants.add(name);
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
