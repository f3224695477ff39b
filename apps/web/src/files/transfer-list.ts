import type { FileTransfer, IncomingFileTransfer } from "@switchboard/client";
import { h } from "../dom.js";
import { formatBytes, percentOf, transferStatus } from "./transfer-text.js";

export interface TransferList {
  readonly element: HTMLElement;
  /** Shows `transfer` until the user dismisses it (it follows the transfer's events). */
  add(transfer: FileTransfer): void;
}

/** Finished entries kept; past it the oldest goes (and its download link's URL with it). */
const MAX_FINISHED = 20;

/**
 * Files going out and coming in, in one tray fixed to a corner of the screen, for 1:1 and group
 * calls alike: an offer's Accept / Decline, a progress bar (role progressbar, aria values) and
 * Cancel while it runs, then the outcome. A received file's download link appears only after
 * its SHA-256 was verified; its object URL is revoked when the entry is dismissed.
 */
export function createTransferList(): TransferList {
  const list = h("ul", { className: "transfer-items" });
  const element = h("section", { className: "transfers panel", attrs: { "aria-label": "File transfers", hidden: true } }, [
    h("h2", { text: "Files" }),
    list,
  ]);
  const finished: (() => void)[] = [];

  function refresh(): void {
    element.hidden = list.childElementCount === 0;
  }

  return {
    element,
    add(transfer) {
      const entry = createEntry(transfer, () => {
        dismiss();
        const index = finished.indexOf(dismiss);
        if (index >= 0) finished.splice(index, 1);
      });
      const dismiss = () => {
        entry.dispose();
        refresh();
      };
      transfer.on("state", () => {
        if (!transfer.ended) return;
        finished.push(dismiss);
        while (finished.length > MAX_FINISHED) finished.shift()?.();
      });
      list.append(entry.element);
      refresh();
    },
  };
}

function createEntry(transfer: FileTransfer, onDismiss: () => void): { element: HTMLElement; dispose(): void } {
  const { name, peer } = transfer;
  const sending = transfer.direction === "outgoing";
  let url: string | null = null;
  let percent = percentOf(transfer.bytes, transfer.size);

  const status = h("p", { className: "transfer-status" });
  const bar = h("span", { className: "transfer-bar" });
  const progress = h(
    "div",
    {
      className: "transfer-progress",
      attrs: { role: "progressbar", "aria-label": sending ? `Sending ${name} to ${peer}` : `Receiving ${name} from ${peer}`, "aria-valuemin": "0", "aria-valuemax": "100" },
    },
    [bar],
  );
  const actions = h("div", { className: "transfer-actions" });
  const element = h("li", { className: "transfer", attrs: { "data-direction": transfer.direction, "data-peer": peer } }, [
    h("div", { className: "transfer-head" }, [h("span", { className: "transfer-name", text: name }), h("span", { className: "transfer-size", text: formatBytes(transfer.size) })]),
    status,
    progress,
    actions,
  ]);

  const button = (text: string, label: string, onClick: () => void, className = "button button-small") =>
    h("button", { className, text, attrs: { type: "button", "aria-label": label }, on: { click: onClick } });

  function paint(): void {
    const state = transfer.outcome?.state ?? transfer.state;
    element.dataset.state = state;
    if (state === "done") percent = 100;
    progress.setAttribute("aria-valuenow", String(percent));
    bar.style.width = `${percent}%`;
    progress.hidden = state === "offered" || (transfer.ended && state !== "done");
    status.textContent = transferStatus({ direction: transfer.direction, peer, state, percent, outcome: transfer.outcome });
    const children: Node[] = [];
    if (state === "offered" && !sending) {
      const incoming = transfer as IncomingFileTransfer;
      children.push(
        button("Decline", `Decline ${name} from ${peer}`, () => incoming.decline()),
        button("Accept", `Accept ${name} from ${peer}`, () => incoming.accept(), "button button-small button-accept"),
      );
    } else if (!transfer.ended) {
      children.push(button("Cancel", sending ? `Cancel sending ${name} to ${peer}` : `Cancel receiving ${name} from ${peer}`, () => transfer.cancel()));
    } else {
      const outcome = transfer.outcome;
      if (outcome?.state === "done" && !sending) {
        // Typed as plain bytes: a peer's "text/html" opened from the link must not become a page of ours.
        url ??= URL.createObjectURL(outcome.file.slice(0, outcome.file.size, "application/octet-stream"));
        children.push(
          h("a", { className: "button button-small button-primary transfer-save", text: `Save ${name}`, attrs: { href: url, download: name, "aria-label": `Save ${name} (verified)` } }),
          h("span", { className: "badge badge-verified", text: "verified", attrs: { title: "Its SHA-256 matches the sender's" } }),
        );
      }
      children.push(button("Dismiss", `Dismiss ${name}`, onDismiss, "button button-small button-link"));
    }
    actions.replaceChildren(...children);
  }

  const disposers = [
    transfer.on("state", paint),
    transfer.on("progress", (bytes, total) => {
      const next = percentOf(bytes, total);
      if (next === percent) return;
      percent = next;
      progress.setAttribute("aria-valuenow", String(percent));
      bar.style.width = `${percent}%`;
      status.textContent = transferStatus({ direction: transfer.direction, peer, state: transfer.state, percent, outcome: transfer.outcome });
    }),
  ];
  paint();
  return {
    element,
    dispose() {
      for (const dispose of disposers) dispose();
      if (url) URL.revokeObjectURL(url);
      element.remove();
    },
  };
}
