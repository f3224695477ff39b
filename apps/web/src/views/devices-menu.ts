import { h } from "../dom.js";
import type { DeviceController } from "../media/device-controller.js";
import { createDevicePanel, type DevicePanel } from "./device-panel.js";

export interface DevicesMenu {
  readonly element: HTMLElement;
  close(): void;
}

let menus = 0;

/** A "Devices" button for a call's controls that opens the camera, microphone and speaker pickers above it. */
export function createDevicesMenu(devices: DeviceController): DevicesMenu {
  const id = `devices-menu-${++menus}`;
  const popover = h("div", { className: "devices-popover panel", attrs: { id, role: "group", "aria-label": "Devices", hidden: true } });
  const toggle = h("button", {
    className: "control",
    text: "Devices",
    attrs: { type: "button", "aria-expanded": "false", "aria-controls": id, "aria-label": "Choose camera, microphone and speaker" },
    on: { click: () => (panel ? menu.close() : open()) },
  });
  const element = h("div", { className: "devices-menu" }, [popover, toggle]);
  let panel: DevicePanel | null = null;

  function open(): void {
    panel = createDevicePanel(devices);
    popover.replaceChildren(panel.element);
    popover.hidden = false;
    toggle.setAttribute("aria-expanded", "true");
  }

  const menu: DevicesMenu = {
    element,
    close() {
      panel?.dispose();
      panel = null;
      popover.hidden = true;
      toggle.setAttribute("aria-expanded", "false");
    },
  };
  return menu;
}
