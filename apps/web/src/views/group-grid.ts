import { h } from "../dom.js";
import type { TileModel } from "../group/tile-model.js";
import { createGroupTile, type GroupTile } from "./group-tile.js";

export interface GroupGrid {
  readonly element: HTMLElement;
  /** Brings the tiles in line with `models` (keyed by name: a tile keeps its video element). */
  render(models: readonly TileModel[]): void;
  clear(): void;
}

/** How the remote tiles are shown, for the SDK to pick what to receive (see GroupCall.setVideoSize). */
export interface TileLayout {
  /** A remote tile's rendered size (CSS pixels), at first and whenever it changes; null: it left. */
  sized(name: string, size: { width: number; height: number } | null): void;
  /** The enlarged tile changed (null: none is). */
  enlarged(name: string | null): void;
}

/**
 * The group call's tiles. At most one is enlarged; clicking it again (or it leaving) shrinks it.
 * `attachSpeaker`: plays each remote tile on the chosen speaker (see DeviceController);
 * `layout` hears of the remote tiles' sizes (a ResizeObserver) and of the enlarged one.
 */
export function createGroupGrid(attachSpeaker?: (element: HTMLMediaElement) => () => void, layout?: TileLayout): GroupGrid {
  const tiles = new Map<string, GroupTile>();
  let models: readonly TileModel[] = [];
  let enlarged: string | null = null;
  const element = h("section", { className: "group-grid", attrs: { "aria-label": "Group call", hidden: true } });
  const names = new WeakMap<Element, string>();
  const sizes =
    layout && typeof ResizeObserver === "function"
      ? new ResizeObserver((entries) => {
          for (const entry of entries) {
            const name = names.get(entry.target);
            const { width, height } = entry.contentRect;
            if (name !== undefined) layout.sized(name, { width: Math.round(width), height: Math.round(height) });
          }
        })
      : null;

  function setEnlarged(name: string | null): void {
    if (name === enlarged) return;
    enlarged = name;
    layout?.enlarged(name);
  }

  function toggleEnlarged(name: string): void {
    setEnlarged(enlarged === name ? null : name);
    grid.render(models);
  }

  const grid: GroupGrid = {
    element,
    render(next) {
      models = next;
      const wanted = new Set(next.map((model) => model.name));
      for (const [name, tile] of tiles) {
        if (wanted.has(name)) continue;
        if (sizes && names.has(tile.element)) {
          sizes.unobserve(tile.element);
          layout?.sized(name, null);
        }
        tile.dispose();
        tiles.delete(name);
      }
      if (enlarged !== null && !wanted.has(enlarged)) setEnlarged(null);
      next.forEach((model, index) => {
        let tile = tiles.get(model.name);
        if (!tile) {
          tile = createGroupTile(model.name, model.self, toggleEnlarged, attachSpeaker);
          tiles.set(model.name, tile);
          if (sizes && !model.self) {
            names.set(tile.element, model.name);
            sizes.observe(tile.element);
          }
        }
        tile.update(model, enlarged === model.name);
        // Moving a node that is already in place would restart its video: only when out of order.
        if (element.children[index] !== tile.element) {
          element.insertBefore(tile.element, element.children[index] ?? null);
          tile.resume();
        }
      });
      element.hidden = next.length === 0;
      element.dataset.count = String(next.length);
      if (enlarged === null) delete element.dataset.enlarged;
      else element.dataset.enlarged = enlarged;
    },
    clear() {
      grid.render([]);
    },
  };
  return grid;
}
