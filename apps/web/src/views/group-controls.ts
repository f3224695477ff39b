import { h } from "../dom.js";
import { createScreenShareButton, type ScreenShareButton } from "./screen-share-button.js";

export interface GroupControlHandlers {
  setMicrophone(enabled: boolean): void;
  setCamera(enabled: boolean): void;
  toggleScreenShare(): void;
  leave(): void;
}

export interface GroupControls {
  readonly element: HTMLElement;
  show(visible: boolean): void;
  /** Which devices exist (a missing one's toggle is disabled). */
  setCapabilities(audio: boolean, video: boolean): void;
  /** Back to microphone and camera on (a new call starts unmuted). */
  reset(): void;
  /** Shows microphone and camera as chosen elsewhere (the pre-join screen's toggles). */
  set(audio: boolean, video: boolean): void;
  readonly screenShare: ScreenShareButton;
  /** Puts another control into the bar, before Leave. */
  addControl(control: HTMLElement): void;
  /** Mutes the microphone as its button does (a moderator asked us to). */
  muteMicrophone(): void;
}

/** Mute, camera off and leave, fixed at the bottom of the screen: one tap away while in the call. */
export function createGroupControls(handlers: GroupControlHandlers, devicesMenu?: HTMLElement): GroupControls {
  let micOn = true;
  let cameraOn = true;
  const mic = h("button", { className: "control", attrs: { type: "button", "aria-pressed": "false" }, on: { click: () => setMic(!micOn) } });
  const camera = h("button", { className: "control", attrs: { type: "button", "aria-pressed": "false" }, on: { click: () => setCamera(!cameraOn) } });
  const screenShare = createScreenShareButton(() => handlers.toggleScreenShare());
  const leave = h("button", {
    className: "control control-danger",
    text: "Leave",
    attrs: { type: "button", "aria-label": "Leave group call" },
    on: { click: () => handlers.leave() },
  });
  const element = h("div", { className: "group-controls", attrs: { role: "toolbar", "aria-label": "Group call controls", hidden: true } }, [mic, camera, screenShare.element, devicesMenu, leave]);

  function paint(): void {
    mic.textContent = micOn ? "Mute" : "Unmute";
    mic.setAttribute("aria-label", micOn ? "Mute microphone" : "Unmute microphone");
    mic.setAttribute("aria-pressed", String(!micOn));
    camera.textContent = cameraOn ? "Camera off" : "Camera on";
    camera.setAttribute("aria-label", cameraOn ? "Turn camera off" : "Turn camera on");
    camera.setAttribute("aria-pressed", String(!cameraOn));
  }

  function setMic(on: boolean): void {
    micOn = on;
    paint();
    handlers.setMicrophone(on);
  }

  function setCamera(on: boolean): void {
    cameraOn = on;
    paint();
    handlers.setCamera(on);
  }

  paint();
  return {
    element,
    show(visible) {
      element.hidden = !visible;
    },
    setCapabilities(audio, video) {
      mic.disabled = !audio;
      camera.disabled = !video;
    },
    reset() {
      micOn = true;
      cameraOn = true;
      paint();
    },
    set(audio, video) {
      micOn = audio;
      cameraOn = video;
      paint();
    },
    screenShare,
    addControl(control) {
      leave.before(control);
    },
    muteMicrophone() {
      if (micOn && !mic.disabled) setMic(false);
    },
  };
}
