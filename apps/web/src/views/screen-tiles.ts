import { h } from "../dom.js";

/** One screen share on show: whose, and its stream. */
export interface Presentation {
  /** The presenter's name; unused for your own. */
  presenter: string;
  self: boolean;
  stream: MediaStream;
}

export interface ScreenTiles {
  readonly element: HTMLElement;
  /** Shows these shares, each as its own large tile (keyed by presenter: a tile keeps its video). */
  render(presentations: readonly Presentation[]): void;
}

/** The screen shares of a call, large, each labelled "<name> is presenting" or "You are presenting". */
export function createScreenTiles(): ScreenTiles {
  const element = h("div", { className: "screen-tiles", attrs: { hidden: true } });
  const tiles = new Map<string, { figure: HTMLElement; video: HTMLVideoElement }>();
  const keyOf = (p: Presentation) => (p.self ? "" : p.presenter);

  return {
    element,
    render(presentations) {
      const wanted = new Set(presentations.map(keyOf));
      for (const [key, tile] of tiles) {
        if (wanted.has(key)) continue;
        tile.video.srcObject = null;
        tile.figure.remove();
        tiles.delete(key);
      }
      for (const presentation of presentations) {
        const key = keyOf(presentation);
        let tile = tiles.get(key);
        if (!tile) {
          const label = presentation.self ? "You are presenting" : `${presentation.presenter} is presenting`;
          const video = h("video", { className: "screen-video", attrs: { autoplay: true, playsinline: true, muted: true, "aria-label": label } });
          video.muted = true;
          const figure = h("figure", { className: "screen-tile", attrs: { "data-presenter": key, "data-self": String(presentation.self) } }, [
            video,
            h("figcaption", { className: "screen-caption", text: label }),
          ]);
          tile = { figure, video };
          tiles.set(key, tile);
          element.append(figure);
        }
        if (tile.video.srcObject !== presentation.stream) {
          tile.video.srcObject = presentation.stream;
          void tile.video.play().catch(() => undefined);
        }
      }
      element.hidden = presentations.length === 0;
    },
  };
}
