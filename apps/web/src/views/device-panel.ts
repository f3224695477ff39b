import type { DeviceKind } from "@switchboard/client";
import { h } from "../dom.js";
import type { DeviceController } from "../media/device-controller.js";

export interface DevicePanel {
  readonly element: HTMLElement;
  dispose(): void;
}

const LABELS: Record<DeviceKind, string> = { camera: "Camera", microphone: "Microphone", speaker: "Speaker" };
let panels = 0;

/**
 * Camera, microphone and speaker pickers, kept in line with the devices there are. Picking one
 * switches it at once (live in a call). The speaker picker is left out where the browser cannot
 * choose an output (no setSinkId).
 */
export function createDevicePanel(devices: DeviceController): DevicePanel {
  const id = `devices-${++panels}`;
  const kinds: DeviceKind[] = devices.speakerSupported ? ["camera", "microphone", "speaker"] : ["camera", "microphone"];
  const selects = new Map<DeviceKind, HTMLSelectElement>();
  const rows = kinds.map((kind) => {
    const select = h("select", { className: "device-select", attrs: { id: `${id}-${kind}`, "data-kind": kind } });
    select.addEventListener("change", () => void devices.choose(kind, select.value));
    selects.set(kind, select);
    return h("div", { className: "device-row" }, [h("label", { text: LABELS[kind], attrs: { for: `${id}-${kind}` } }), select]);
  });
  const element = h("div", { className: "device-panel" }, rows);

  function render(): void {
    for (const [kind, select] of selects) {
      const list = devices.lists[kind];
      const selected = devices.selected(kind);
      select.replaceChildren(...list.map((device) => h("option", { text: device.label, attrs: { value: device.id } })));
      if (list.length === 0) select.append(h("option", { text: `No ${LABELS[kind].toLowerCase()} found`, attrs: { value: "" } }));
      select.disabled = list.length === 0;
      const shown = list.find((device) => device.id === selected) ?? list[0];
      if (shown) select.value = shown.id;
    }
  }

  const stop = devices.onChange(render);
  render();
  void devices.refresh();
  return {
    element,
    dispose() {
      stop();
      element.remove();
    },
  };
}
