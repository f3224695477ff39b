import { h } from "../dom.js";

export interface PromptOptions {
  /** The dialog's title, also its accessible name (e.g. "Remove bob"). */
  title: string;
  /** The field's label (e.g. "Reason (bob sees it)"). */
  label: string;
  /** The confirming button's text (e.g. "Remove"). */
  confirm: string;
  /** A password field (not shown as typed), else text. */
  secret?: boolean;
  /** An empty field cannot be confirmed. */
  required?: boolean;
  /** The most characters the field takes. */
  maxLength?: number;
  /** The confirming button is styled as destructive. */
  danger?: boolean;
}

export interface PromptDialog {
  readonly element: HTMLDialogElement;
  /** Opens the dialog; resolves with the text entered, or null when cancelled (Escape too). */
  ask(options: PromptOptions): Promise<string | null>;
}

/** A small modal asking for one line of text (a reason, a password): the app's window.prompt. */
export function createPromptDialog(): PromptDialog {
  let settle: ((value: string | null) => void) | null = null;
  const title = h("h2", { attrs: { id: "prompt-title" } });
  // Named before the first question, like every control (`ask` says what it is about).
  const label = h("label", { text: "Your answer", attrs: { for: "prompt-input" } });
  const input = h("input", { attrs: { id: "prompt-input", type: "text", autocomplete: "off" } });
  const cancel = h("button", { className: "button", text: "Cancel", attrs: { type: "button" }, on: { click: () => finish(null) } });
  const confirm = h("button", { className: "button button-primary", text: "OK", attrs: { type: "submit" } });
  const form = h("form", { className: "prompt-form", attrs: { method: "dialog" } }, [label, input, h("div", { className: "dialog-actions" }, [cancel, confirm])]);
  const element = h("dialog", { className: "dialog", attrs: { "aria-labelledby": "prompt-title" } }, [title, form]);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (input.required && input.value === "") return input.focus();
    finish(input.value);
  });
  element.addEventListener("cancel", (event) => {
    event.preventDefault();
    finish(null);
  });

  function finish(value: string | null): void {
    const done = settle;
    settle = null;
    if (element.open) element.close();
    done?.(value);
  }

  return {
    element,
    ask(options) {
      finish(null); // One question at a time: an open one counts as cancelled.
      title.textContent = options.title;
      label.textContent = options.label;
      confirm.textContent = options.confirm;
      confirm.className = `button ${options.danger ? "button-danger" : "button-primary"}`;
      input.type = options.secret ? "password" : "text";
      input.required = options.required === true;
      input.value = "";
      if (options.maxLength === undefined) input.removeAttribute("maxlength");
      else input.maxLength = options.maxLength;
      element.showModal();
      input.focus();
      return new Promise((resolve) => (settle = resolve));
    },
  };
}
