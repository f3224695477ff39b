import { h } from "../dom.js";
import { createLevelMeter, type LevelMeter } from "../media/level-meter.js";

export interface MediaPreview {
  readonly element: HTMLElement;
  /** Shows `stream` (null: nothing to show). Call again after its tracks changed (a device switch). */
  show(stream: MediaStream | null): void;
  dispose(): void;
}

const METER_INTERVAL_MS = 100;

/**
 * Your camera as others will see it, and a microphone level bar (role "meter"; its level,
 * 0 to 100, also in `data-level`) so you can check both before a call.
 */
export function createMediaPreview(): MediaPreview {
  const video = h("video", { className: "preview-video", attrs: { autoplay: true, playsinline: true, muted: true, "aria-label": "Your camera preview" } });
  video.muted = true;
  const bar = h("span", { className: "level-bar" });
  const meter = h("div", {
    className: "level-meter",
    attrs: { role: "meter", "aria-label": "Microphone level", "aria-valuemin": "0", "aria-valuemax": "100", "aria-valuenow": "0", "data-level": "0" },
  }, [bar]);
  const element = h("div", { className: "media-preview" }, [video, meter]);
  let level: LevelMeter | null = null;
  let audioTrack: MediaStreamTrack | undefined;
  let timer: ReturnType<typeof setInterval> | undefined;

  function paint(value: number): void {
    const percent = Math.round(value * 100);
    bar.style.width = `${percent}%`;
    meter.dataset.level = String(percent);
    meter.setAttribute("aria-valuenow", String(percent));
  }

  function stopMeter(): void {
    clearInterval(timer);
    level?.dispose();
    level = null;
    paint(0);
  }

  return {
    element,
    show(stream) {
      if (video.srcObject !== stream) video.srcObject = stream;
      if (stream) void video.play().catch(() => undefined);
      video.classList.toggle("is-empty", !stream || stream.getVideoTracks().length === 0);
      // A Web Audio source keeps the track it was made with: a new microphone needs a new meter.
      const track = stream?.getAudioTracks()[0];
      if (track === audioTrack && level) return;
      stopMeter();
      audioTrack = track;
      level = stream ? createLevelMeter(stream) : null;
      meter.hidden = level === null;
      if (level) timer = setInterval(() => paint(level?.level() ?? 0), METER_INTERVAL_MS);
    },
    dispose() {
      stopMeter();
      video.srcObject = null;
    },
  };
}
