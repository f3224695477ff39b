import { h } from "../dom.js";

/**
 * "Call alerts": asks, from the user's click as browsers require, to show a system notification
 * when someone calls while the tab is in the background. Shown only while the browser has not
 * been asked yet; hidden where notifications do not exist.
 */
export function createCallAlertsButton(onDenied: () => void): HTMLElement {
  const supported = typeof Notification !== "undefined";
  const button = h("button", {
    className: "button call-alerts",
    text: "Call alerts",
    attrs: { type: "button", title: "Show a notification when someone calls while this tab is in the background", hidden: !supported || Notification.permission !== "default" },
    on: {
      click: () => {
        void Notification.requestPermission().then((permission) => {
          button.hidden = permission !== "default";
          if (permission === "denied") onDenied();
        });
      },
    },
  });
  return button;
}
