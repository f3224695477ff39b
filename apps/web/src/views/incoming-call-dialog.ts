import { h } from "../dom.js";

export interface IncomingCallDialog {
  readonly element: HTMLDialogElement;
  open(caller: string, handlers: { accept(): void; decline(): void }): void;
  close(): void;
}

/** A modal "X is calling" with Accept / Decline. Escape declines. */
export function createIncomingCallDialog(): IncomingCallDialog {
  let handlers: { accept(): void; decline(): void } | null = null;
  const message = h("p", { className: "dialog-text", attrs: { id: "incoming-text" } });
  const accept = h("button", {
    className: "button button-accept",
    text: "Accept",
    attrs: { type: "button" },
    on: { click: () => choose("accept") },
  });
  const decline = h("button", {
    className: "button button-danger",
    text: "Decline",
    attrs: { type: "button" },
    on: { click: () => choose("decline") },
  });
  const element = h("dialog", { className: "dialog", attrs: { "aria-labelledby": "incoming-title", "aria-describedby": "incoming-text" } }, [
    h("h2", { text: "Incoming call", attrs: { id: "incoming-title" } }),
    message,
    h("div", { className: "dialog-actions" }, [decline, accept]),
  ]);
  element.addEventListener("cancel", (event) => {
    event.preventDefault();
    choose("decline");
  });

  function choose(choice: "accept" | "decline"): void {
    const current = handlers;
    dialog.close();
    current?.[choice]();
  }

  const dialog: IncomingCallDialog = {
    element,
    open(caller, next) {
      handlers = next;
      message.textContent = `${caller} is calling you.`;
      accept.setAttribute("aria-label", `Accept call from ${caller}`);
      decline.setAttribute("aria-label", `Decline call from ${caller}`);
      if (!element.open) element.showModal();
      accept.focus();
    },
    close() {
      handlers = null;
      if (element.open) element.close();
    },
  };
  return dialog;
}
