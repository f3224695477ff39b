/**
 * Remote ICE candidates that arrived before the remote description they belong to.
 * `addIceCandidate()` fails without a remote description, and the article's client starts
 * trickling candidates right after its offer, so early ones are kept here and applied once
 * `setRemoteDescription()` has succeeded. Bounded: a misbehaving peer cannot grow it forever.
 */
export class CandidateBuffer {
  #candidates: RTCIceCandidateInit[] = [];
  #dropped = 0;

  constructor(readonly capacity = 256) {}

  get size(): number {
    return this.#candidates.length;
  }

  /** Candidates refused because the buffer was full. */
  get dropped(): number {
    return this.#dropped;
  }

  add(candidate: RTCIceCandidateInit): void {
    if (this.#candidates.length >= this.capacity) {
      this.#dropped += 1;
      return;
    }
    this.#candidates.push(candidate);
  }

  /** Returns the buffered candidates, in arrival order, and empties the buffer. */
  drain(): RTCIceCandidateInit[] {
    const candidates = this.#candidates;
    this.#candidates = [];
    return candidates;
  }

  clear(): void {
    this.#candidates = [];
  }
}
