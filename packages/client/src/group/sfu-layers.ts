import type { SimulcastLayer } from "@switchboard/protocol";
import type { VideoSize } from "./group-call-types.js";

/**
 * Which simulcast layer a tile needs, from its rendered width in CSS pixels. The camera is
 * published as three layers, a quarter, half and the full size (group calls ask for 640x360, so
 * 160, 320 and 640 pixels wide): a tile takes the smallest layer at least about as wide as itself.
 *
 * - up to 200 px wide: layer 0 (small thumbnails, e.g. phones' two columns);
 * - up to 400 px: layer 1;
 * - wider, or pinned/enlarged: layer 2.
 */
export const LAYER_MAX_WIDTHS: readonly [number, number] = Object.freeze([200, 400]) as readonly [number, number];

export function layerForSize(size: VideoSize, pinned: boolean): SimulcastLayer {
  if (pinned) return 2;
  if (size.width <= LAYER_MAX_WIDTHS[0]) return 0;
  if (size.width <= LAYER_MAX_WIDTHS[1]) return 1;
  return 2;
}

/**
 * What the app says of each participant's tile (its size, whether it is pinned), kept across
 * media engines, and the layer that makes each want (null: nothing said, the media server's
 * default, the full size).
 */
export class LayerWishes {
  readonly #sizes = new Map<string, VideoSize>();
  readonly #pinned = new Set<string>();
  #changed: (name: string) => void = () => {};

  /** `listener` hears of each participant whose wanted layer may have changed. */
  onChange(listener: (name: string) => void): void {
    this.#changed = listener;
  }

  setSize(name: string, size: VideoSize | null): void {
    if (size === null) this.#sizes.delete(name);
    else this.#sizes.set(name, { width: Math.max(0, size.width), height: Math.max(0, size.height) });
    this.#changed(name);
  }

  setPinned(name: string, pinned: boolean): void {
    if (pinned === this.#pinned.has(name)) return;
    if (pinned) this.#pinned.add(name);
    else this.#pinned.delete(name);
    this.#changed(name);
  }

  wanted(name: string): SimulcastLayer | null {
    const pinned = this.#pinned.has(name);
    const size = this.#sizes.get(name);
    if (size) return layerForSize(size, pinned);
    return pinned ? 2 : null;
  }

  clear(): void {
    this.#sizes.clear();
    this.#pinned.clear();
  }
}

/**
 * The layers asked of the media server, per subscribed camera m-line (`sfu-layer`): one only
 * when what its tile wants differs from what that m-line was last asked for (for the same
 * participant: the media server may reuse an m-line for someone else). A new subscriber
 * connection (a new epoch) starts with nothing asked.
 */
export class LayerRequests {
  readonly #asked = new Map<string, { name: string; layer: SimulcastLayer }>();

  constructor(private readonly ask: (mid: string, layer: SimulcastLayer) => void) {}

  /** Asks for `layer` on each of `name`'s camera `mids` that was not asked for it last. */
  request(name: string, mids: Iterable<string>, layer: SimulcastLayer | null): void {
    if (layer === null) return;
    for (const mid of mids) {
      const asked = this.#asked.get(mid);
      if (asked?.name === name && asked.layer === layer) continue;
      this.#asked.set(mid, { name, layer });
      this.ask(mid, layer);
    }
  }

  /** The camera m-lines now (mid -> whose): forget what the others were asked. */
  prune(cameras: ReadonlyMap<string, string>): void {
    for (const [mid, asked] of this.#asked) if (cameras.get(mid) !== asked.name) this.#asked.delete(mid);
  }

  reset(): void {
    this.#asked.clear();
  }
}
