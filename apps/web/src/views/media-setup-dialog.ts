import { replaceStreamTrack } from "@switchboard/client";
import { h } from "../dom.js";
import type { DeviceController } from "../media/device-controller.js";
import { fallbackNotice, openLocalMedia, stopStream, type LocalMedia } from "../media/local-media.js";
import { createDevicePanel } from "./device-panel.js";
import { createMediaPreview } from "./media-preview.js";

/** What the pre-join screen hands over on "Join now": the opened media (now the caller's) and the toggles. */
export interface PrejoinChoice {
  media: LocalMedia;
  audio: boolean;
  video: boolean;
  /** Ends the screen's hold on the devices (the call adopts the stream itself). */
  release(): void;
}

export interface MediaSetupDialog {
  readonly element: HTMLDialogElement;
  /** The pre-join screen: preview, level meter, devices, toggles; null when cancelled (its media stopped). */
  prejoin(title: string, video: MediaTrackConstraints): Promise<PrejoinChoice | null>;
  /** "Camera & mic": the stream of the call in progress, or a preview opened until closed. */
  settings(video: MediaTrackConstraints): Promise<void>;
}

/**
 * One dialog for checking camera and microphone: before joining a group call (with "Join now")
 * and from the top bar at any time. The preview's own stream is switched in place; in a call
 * the call's stream is shown and switched live.
 */
export function createMediaSetupDialog(devices: DeviceController): MediaSetupDialog {
  const title = h("h2", { attrs: { id: "media-setup-title" } });
  const body = h("div", { className: "media-setup-body" });
  const actions = h("div", { className: "dialog-actions" });
  const status = h("p", { className: "muted media-setup-status", attrs: { "aria-live": "polite" } });
  const element = h("dialog", { className: "dialog media-setup", attrs: { "aria-labelledby": "media-setup-title" } }, [title, body, status, actions]);
  /** What closing the dialog does now (Escape included). */
  let onClose: () => void = () => undefined;
  element.addEventListener("cancel", (event) => {
    event.preventDefault();
    onClose();
  });

  /** Opens the dialog with a preview of `stream` (or a fresh one); resolves when it is up. */
  async function open(heading: string, video: MediaTrackConstraints, useCallStream: boolean) {
    title.textContent = heading;
    onClose = () => undefined; // Escape waits until the camera is up.
    status.textContent = "Starting your camera…";
    const preview = createMediaPreview();
    const panel = createDevicePanel(devices);
    body.replaceChildren(preview.element, panel.element);
    actions.replaceChildren();
    if (!element.open) element.showModal();
    const callStream = useCallStream ? devices.stream : null;
    let own: LocalMedia | null = null;
    let release = () => undefined as void;
    if (!callStream) {
      const { audio, video: camera } = await devices.constraints(video);
      own = await openLocalMedia(undefined, camera, audio);
      const stream = own.stream;
      if (stream) release = devices.adopt(stream, async (track) => replaceStreamTrack(stream, track), video);
    }
    status.textContent = own ? (fallbackNotice(own) ?? "") : "";
    const shown = () => preview.show(callStream ?? own?.stream ?? null);
    const stopShowing = devices.onChange(shown);
    shown();
    const teardown = () => {
      stopShowing();
      preview.dispose();
      panel.dispose();
      if (element.open) element.close();
    };
    return { own, release, teardown };
  }

  return {
    element,
    async prejoin(heading, video) {
      const { own, release, teardown } = await open(heading, video, false);
      const media = own!;
      const toggles = { audio: true, video: true };
      const toggle = (kind: "audio" | "video", label: [string, string]) => {
        const button = h("button", { className: "control", attrs: { type: "button", "aria-pressed": "false" } });
        const paint = () => {
          const on = toggles[kind];
          button.textContent = on ? label[0] : label[1];
          button.setAttribute("aria-pressed", String(!on));
          for (const track of kind === "audio" ? (media.stream?.getAudioTracks() ?? []) : (media.stream?.getVideoTracks() ?? [])) track.enabled = on;
        };
        button.addEventListener("click", () => {
          toggles[kind] = !toggles[kind];
          paint();
        });
        button.disabled = !media.kind.includes(kind);
        paint();
        return button;
      };
      return new Promise((resolve) => {
        const finish = (joining: boolean) => {
          teardown();
          if (joining) return resolve({ media, audio: toggles.audio, video: toggles.video, release });
          release();
          stopStream(media.stream);
          resolve(null);
        };
        onClose = () => finish(false);
        const cancel = h("button", { className: "button", text: "Cancel", attrs: { type: "button" }, on: { click: () => finish(false) } });
        const join = h("button", { className: "button button-accept", text: "Join now", attrs: { type: "button" }, on: { click: () => finish(true) } });
        actions.replaceChildren(toggle("audio", ["Mute", "Unmute"]), toggle("video", ["Camera off", "Camera on"]), h("span", { className: "spacer" }), cancel, join);
        join.focus();
      });
    },
    async settings(video) {
      const { own, release, teardown } = await open("Camera & mic", video, true);
      const done = () => {
        teardown();
        release();
        stopStream(own?.stream ?? null);
      };
      onClose = done;
      const close = h("button", { className: "button button-primary", text: "Done", attrs: { type: "button" }, on: { click: done } });
      actions.replaceChildren(close);
      close.focus();
    },
  };
}
