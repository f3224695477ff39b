import { encodeShared } from "../wire/outgoing.js";
import { ProtocolError } from "../wire/protocol-error.js";

/**
 * One room's group call: who is in it, in the order they joined (as the cluster's store has
 * it). A mesh connects each pair directly, so every participant uploads its media once per
 * other participant: past `capacity` a join is refused instead of degrading everyone's call.
 */
export class GroupCall {
  readonly #participants = new Set<string>();
  /** Of the store's state last adopted: an older one is ignored. */
  #version = 0;
  /** The `group-call` frame, encoded once until the call changes. */
  #frame: Uint8Array | undefined;

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

  /**
   * The participants as the store has them at `version`, in join order; false when nothing
   * changed, or the state is older than the last (unless `fresh`: after an outage, versions restart).
   */
  adopt(version: number, participants: readonly string[], fresh = false): boolean {
    if (version <= this.#version && !fresh) return false;
    this.#version = version;
    const current = [...this.#participants];
    if (current.length === participants.length && current.every((name, i) => name === participants[i])) return false;
    this.#participants.clear();
    for (const name of participants) this.#participants.add(name);
    this.#frame = undefined;
    return true;
  }

  /** Removes `name`; false when it was not in. */
  leave(name: string): boolean {
    if (!this.#participants.delete(name)) return false;
    this.#frame = undefined;
    return true;
  }

  frame(): Uint8Array {
    return (this.#frame ??= encodeShared({ type: "group-call", participants: this.participants() }));
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
