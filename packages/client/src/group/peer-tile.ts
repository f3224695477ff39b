import type { CallQuality } from "../call/call-quality.js";
import type { GroupPeer } from "./group-call-types.js";
import { SpeakingDetector, type SpeakingOptions } from "./speaking.js";

/** What a peer's `media-state` says: microphone, camera, and its screen share's stream id. */
export interface PeerMediaState {
  audio: boolean;
  video: boolean;
  screen: string | null;
}

/** Who hears of a tile's changes. */
export interface PeerTileHost {
  /** The snapshot changed. */
  changed(): void;
  error(error: unknown): void;
}

/**
 * One other participant's tile as the app sees it (GroupPeer), whatever carries its media (a
 * mesh pair, the media server): a fresh frozen snapshot per change, `speaking` from audio-level
 * samples (with hysteresis), `quality` from stats readings. Both are read on the group call's
 * clocks; a reading still running when the next tick comes is not started twice.
 */
export class PeerTile {
  readonly #speaking: SpeakingDetector;
  #peer: GroupPeer;
  #closed = false;
  #sampling = false;
  #measuring = false;

  constructor(
    name: string,
    speaking: SpeakingOptions,
    /** A `media-state` that came before the tile existed; until one comes, both count as on. */
    state: PeerMediaState | undefined,
    private readonly host: PeerTileHost,
  ) {
    this.#speaking = new SpeakingDetector(speaking);
    this.#peer = Object.freeze({
      name,
      stream: null,
      audio: state?.audio ?? true,
      video: state?.video ?? true,
      quality: null,
      speaking: false,
      connection: "new",
      screen: null,
    });
  }

  get peer(): GroupPeer {
    return this.#peer;
  }

  get closed(): boolean {
    return this.#closed;
  }

  update(change: Partial<Omit<GroupPeer, "name">>): void {
    if (this.#closed) return;
    const next = { ...this.#peer, ...change };
    // A stream that gained a track, or a new measurement, is news even when equal.
    const news = change.stream !== undefined || change.quality !== undefined;
    const same = (Object.keys(change) as (keyof typeof change)[]).every((key) => next[key] === this.#peer[key]);
    if (same && !news) return;
    this.#peer = Object.freeze(next);
    this.host.changed();
  }

  /** One audio-level sample for `speaking` (null level: quiet). */
  async sample(level: () => Promise<number | null>): Promise<void> {
    if (this.#sampling || this.#closed) return;
    this.#sampling = true;
    try {
      const sampled = await level();
      if (!this.#closed && this.#speaking.sample(sampled)) this.update({ speaking: this.#speaking.speaking });
    } catch (error) {
      this.host.error(error);
    } finally {
      this.#sampling = false;
    }
  }

  /** One stats reading for `quality` (null: nothing to measure now). */
  async measure(read: () => Promise<CallQuality | null>): Promise<void> {
    if (this.#measuring || this.#closed) return;
    this.#measuring = true;
    try {
      const quality = await read();
      if (quality && !this.#closed) this.update({ quality });
    } catch (error) {
      this.host.error(error);
    } finally {
      this.#measuring = false;
    }
  }

  /** No more changes, samples or readings. */
  close(): void {
    this.#closed = true;
  }
}
