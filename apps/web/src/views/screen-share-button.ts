import { h } from "../dom.js";

export interface ScreenShareButton {
  readonly element: HTMLButtonElement;
  /** Pressed while we share. */
  setSharing(sharing: boolean): void;
}

/** The "Share screen" toggle of a call's controls. */
export function createScreenShareButton(toggle: () => void): ScreenShareButton {
  const element = h("button", { className: "control", attrs: { type: "button" }, on: { click: () => toggle() } });
  const button: ScreenShareButton = {
    element,
    setSharing(sharing) {
      element.textContent = sharing ? "Stop sharing" : "Share screen";
      element.setAttribute("aria-label", sharing ? "Stop sharing your screen" : "Share your screen");
      element.setAttribute("aria-pressed", String(sharing));
    },
  };
  button.setSharing(false);
  return button;
}
