import type { VersionedEvent } from "./wire-envelope.js";

/** Events held while syncing; past this many the sync starts over. */
const MAX_HELD_EVENTS = 10_000;

/**
 * The room events in version order. While a node syncs it holds what arrives; the snapshot's
 * version then says which of those are newer than the snapshot. Every later event must be the
 * next version: one that is not means some were lost.
 */
export class EventOrder {
  /** The version of the last event taken. */
  #version = 0;
  #held: VersionedEvent[] | undefined;
  #overflowed = false;

  get version(): number {
    return this.#version;
  }

  /** Holds what arrives from now on (the subscription is in place). */
  hold(): void {
    this.#held = [];
    this.#overflowed = false;
  }

  /** Forgets what was held: those events cannot be trusted to precede the next snapshot. */
  drop(): void {
    this.#held = undefined;
  }

  /** Keeps `event` if holding; false when not holding. */
  held(event: VersionedEvent): boolean {
    if (!this.#held) return false;
    if (this.#held.push(event) > MAX_HELD_EVENTS) {
      this.#held = undefined;
      this.#overflowed = true;
    }
    return true;
  }

  /** Stops holding at a snapshot's version: the held events newer than it, oldest first. */
  release(version: number): VersionedEvent[] {
    const held = this.#held;
    this.#held = undefined;
    if (!held) throw new Error(this.#overflowed ? "too many events while syncing" : "the events held were dropped");
    this.#version = version;
    return held.filter((event) => event.version > version);
  }

  /** Takes `event` if it is the next one; false when events were lost. */
  next(event: VersionedEvent): boolean {
    if (event.version !== this.#version + 1) return false;
    this.#version = event.version;
    return true;
  }
}
