import { h } from "../dom.js";
import type { TileModel } from "../group/tile-model.js";
import { icon } from "./icons.js";

export interface GroupTile {
  readonly element: HTMLElement;
  update(model: TileModel, enlarged: boolean): void;
  /** Plays again after the tile moved in the page (moving a video element pauses it). */
  resume(): void;
  /** Stops playing (the stream belongs to the SDK). */
  dispose(): void;
}

/**
 * One participant's tile: the video (or their initials with the camera off), the name, the
 * muted-microphone and camera-off marks, a quality mark, a speaking outline, and a button over
 * it all that enlarges the tile (and back).
 */
export function createGroupTile(
  name: string,
  self: boolean,
  toggleEnlarged: (name: string) => void,
  attachSpeaker?: (element: HTMLMediaElement) => () => void,
): GroupTile {
  const video = h("video", { className: "tile-video", attrs: { autoplay: true, playsinline: true, muted: self } });
  video.muted = self; // Never hear yourself; the attribute alone does not set the property.
  const detachSpeaker = self ? undefined : attachSpeaker?.(video);
  const avatar = h("span", { className: "tile-avatar", text: initials(name), attrs: { "aria-hidden": "true" } });
  const micMark = h("span", { className: "tile-mark", attrs: { role: "img", "aria-label": "Microphone muted", hidden: true } }, [icon("mic-off")]);
  const cameraMark = h("span", { className: "tile-mark", attrs: { role: "img", "aria-label": "Camera off", hidden: true } }, [icon("camera-off")]);
  const quality = h("span", { className: "tile-quality quality-unknown", attrs: { role: "img", "aria-label": "Connection quality: unknown", hidden: self } });
  const caption = h("figcaption", { className: "tile-caption" }, [
    h("span", { className: "tile-name", text: self ? `${name} (you)` : name }),
    micMark,
    cameraMark,
    quality,
  ]);
  const enlarge = h("button", {
    className: "tile-enlarge",
    attrs: { type: "button", "aria-pressed": "false", "aria-label": `Enlarge ${self ? "your video" : `${name}'s video`}` },
    on: { click: () => toggleEnlarged(name) },
  });
  const element = h("figure", { className: "tile", attrs: { "data-peer": name, "data-self": self ? "true" : "false" } }, [video, avatar, caption, enlarge]);
  let stream: MediaStream | null = null;

  return {
    element,
    update(model, enlarged) {
      if (model.stream !== stream) {
        stream = model.stream;
        video.srcObject = stream;
        if (stream) void video.play().catch(() => undefined);
      }
      element.dataset.audio = String(model.audio);
      element.dataset.video = String(model.video);
      element.dataset.speaking = String(model.speaking);
      element.dataset.quality = model.quality;
      element.dataset.connecting = String(model.connecting);
      element.dataset.enlarged = String(enlarged);
      micMark.hidden = model.audio;
      cameraMark.hidden = model.video;
      avatar.hidden = model.video && model.stream !== null;
      quality.className = `tile-quality quality-${model.quality}`;
      quality.setAttribute("aria-label", `Connection quality: ${model.connecting ? "connecting" : model.quality}`);
      quality.title = model.qualityText;
      enlarge.setAttribute("aria-pressed", String(enlarged));
      const whose = self ? "your video" : `${name}'s video`;
      enlarge.setAttribute("aria-label", enlarged ? `Shrink ${whose}` : `Enlarge ${whose}`);
    },
    resume() {
      if (stream && video.paused) void video.play().catch(() => undefined);
    },
    dispose() {
      detachSpeaker?.();
      video.srcObject = null;
      element.remove();
    },
  };
}

function initials(name: string): string {
  const parts = name.split(/[\s_.-]+/).filter(Boolean);
  const letters = parts.length > 1 ? [parts[0]!, parts[1]!].map((p) => [...p][0]) : [...name].slice(0, 2);
  return letters.join("").toUpperCase();
}
