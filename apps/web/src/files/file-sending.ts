import type { FileTransfer, IncomingFileTransfer } from "@switchboard/client";
import { h } from "../dom.js";
import type { Notices } from "../views/notices.js";
import type { TransferList } from "./transfer-list.js";

export interface FileSendingOptions {
  transfers: TransferList;
  notices: Notices;
  /** Offers `file` to the people in the call: one transfer per recipient. Throws when it can't. */
  send(file: File): readonly FileTransfer[];
}

export interface FileSending {
  /** "Send file" (and its hidden file input): for the call's controls bar. */
  readonly control: HTMLElement;
  setEnabled(enabled: boolean): void;
  /** Files dropped on `target` are sent (while enabled). */
  dropOn(target: HTMLElement): void;
  /** Someone offers us a file: into the list with Accept / Decline, and a notice. */
  offered(transfer: IncomingFileTransfer): void;
}

/** Picking or dropping files to send in a call, and offers coming in: the same for 1:1 and group calls. */
export function createFileSending(options: FileSendingOptions): FileSending {
  const { transfers, notices } = options;
  let enabled = false;
  const input = h("input", { className: "sr-only", attrs: { type: "file", multiple: true, tabindex: "-1", "aria-label": "Choose files to send" } });
  const button = h("button", {
    className: "control",
    text: "Send file",
    attrs: { type: "button", "aria-label": "Send file", disabled: true },
    on: { click: () => input.click() },
  });
  input.addEventListener("change", () => {
    send([...(input.files ?? [])]);
    input.value = "";
  });
  const control = h("span", { className: "file-control" }, [button, input]);

  function send(files: File[]): void {
    if (!enabled) return;
    for (const file of files) {
      try {
        const sent = options.send(file);
        if (sent.length === 0) notices.show("Nobody else is in the call to send the file to.", "warning");
        for (const transfer of sent) transfers.add(transfer);
      } catch (error) {
        notices.show(`Can't send ${file.name}: ${error instanceof Error ? error.message : String(error)}`, "error");
      }
    }
  }

  return {
    control,
    setEnabled(next) {
      enabled = next;
      button.disabled = !next;
    },
    dropOn(target) {
      const carriesFiles = (event: DragEvent) => enabled && (event.dataTransfer?.types.includes("Files") ?? false);
      target.addEventListener("dragover", (event) => {
        if (!carriesFiles(event)) return;
        event.preventDefault();
        if (event.dataTransfer) event.dataTransfer.dropEffect = "copy";
        target.classList.add("is-drop-target");
      });
      target.addEventListener("dragleave", () => target.classList.remove("is-drop-target"));
      target.addEventListener("drop", (event) => {
        target.classList.remove("is-drop-target");
        if (!carriesFiles(event)) return;
        event.preventDefault();
        send([...(event.dataTransfer?.files ?? [])]);
      });
    },
    offered(transfer) {
      transfers.add(transfer);
      notices.show(`${transfer.peer} wants to send you ${transfer.name}.`, "info");
    },
  };
}
