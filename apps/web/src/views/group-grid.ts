import { h } from "../dom.js";
import type { TileModel } from "../group/tile-model.js";
import { createGroupTile, type GroupTile } from "./group-tile.js";

export interface GroupGrid {
  readonly element: HTMLElement;
  /** Brings the tiles in line with `models` (keyed by name: a tile keeps its video element). */
  render(models: readonly TileModel[]): void;
  clear(): void;
}

/** The group call's tiles. At most one is enlarged; clicking it again (or it leaving) shrinks it. */
/** `attachSpeaker`: plays each remote tile on the chosen speaker (see DeviceController). */
export function createGroupGrid(attachSpeaker?: (element: HTMLMediaElement) => () => void): GroupGrid {
  const tiles = new Map<string, GroupTile>();
  let models: readonly TileModel[] = [];
  let enlarged: string | null = null;
  const element = h("section", { className: "group-grid", attrs: { "aria-label": "Group call", hidden: true } });

  function toggleEnlarged(name: string): void {
    enlarged = enlarged === name ? null : name;
    grid.render(models);
  }

  const grid: GroupGrid = {
    element,
    render(next) {
      models = next;
      const wanted = new Set(next.map((model) => model.name));
      for (const [name, tile] of tiles) {
        if (wanted.has(name)) continue;
        tile.dispose();
        tiles.delete(name);
      }
      if (enlarged !== null && !wanted.has(enlarged)) enlarged = null;
      next.forEach((model, index) => {
        let tile = tiles.get(model.name);
        if (!tile) {
          tile = createGroupTile(model.name, model.self, toggleEnlarged, attachSpeaker);
          tiles.set(model.name, tile);
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
