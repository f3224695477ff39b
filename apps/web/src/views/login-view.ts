import { USERNAME_MAX_LENGTH, checkUsername } from "@switchboard/protocol";
import { h } from "../dom.js";

export interface LoginView {
  readonly element: HTMLElement;
  /** Shows a problem (bad name, server unreachable) under the field and re-enables the form. */
  showError(message: string): void;
  setBusy(busy: boolean): void;
  focus(): void;
  /** Which room logging in enters (null: the lobby). */
  setRoom(room: string | null): void;
}

/** The first screen: pick a name. The name is checked with the server's own rules before sending. */
export function createLoginView(onSubmit: (name: string) => void): LoginView {
  const input = h("input", {
    attrs: {
      id: "login-name",
      name: "name",
      type: "text",
      autocomplete: "nickname",
      maxlength: String(USERNAME_MAX_LENGTH),
      required: true,
      "aria-describedby": "login-error",
      enterkeyhint: "go",
    },
  });
  const error = h("p", { className: "form-error", attrs: { id: "login-error", role: "alert" } });
  const destination = h("p", { className: "login-room", attrs: { "data-testid": "login-room" } });
  const submit = h("button", { className: "button button-primary", text: "Join", attrs: { type: "submit" } });
  const form = h("form", { className: "login-form", attrs: { "aria-labelledby": "login-title" } }, [
    h("h1", { text: "Switchboard", attrs: { id: "login-title" } }),
    h("p", { className: "muted", text: "Video calls and chat, on your own server." }),
    destination,
    h("label", { text: "Your name", attrs: { for: "login-name" } }),
    input,
    error,
    submit,
  ]);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const check = checkUsername(input.value.trim());
    if (!check.ok) {
      view.showError(check.reason);
      return;
    }
    error.textContent = "";
    onSubmit(check.name);
  });

  const view: LoginView = {
    element: h("section", { className: "login", attrs: { "aria-label": "Log in" } }, [form]),
    showError(message) {
      error.textContent = message;
      input.setAttribute("aria-invalid", "true");
      view.setBusy(false);
      input.focus();
    },
    setBusy(busy) {
      submit.disabled = busy;
      input.disabled = busy;
      submit.textContent = busy ? "Joining…" : "Join";
    },
    focus() {
      input.focus();
    },
    setRoom(room) {
      destination.replaceChildren(...(room === null ? ["You are entering the lobby."] : ["You are joining the room ", h("strong", { text: room }), "."]));
    },
  };
  return view;
}
