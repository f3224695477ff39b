import { USERNAME_MAX_LENGTH, checkUsername } from "@switchboard/protocol";
import { h } from "../dom.js";

/** What the user entered: a name (open servers) or a sign-in token (AUTH=jwt), and the room's password when asked. */
export interface LoginRequest {
  name?: string;
  token?: string;
  password?: string;
}

/** How the user signs in: by a name of their choice, or by a sign-in token that names them. */
export type LoginMode = "name" | "token";

export interface LoginView {
  readonly element: HTMLElement;
  /** Shows a problem (bad name, refused token, server unreachable) under the form and re-enables it. */
  showError(message: string): void;
  setBusy(busy: boolean): void;
  focus(): void;
  /** Which room logging in enters (null: the lobby). */
  setRoom(room: string | null): void;
  /** The name field, or the sign-in token field in its place. */
  setMode(mode: LoginMode): void;
  /** Shows the room password field: the room needs one. */
  askPassword(): void;
}

/**
 * The first screen: pick a name, checked with the server's own rules before sending; or, where
 * the server signs users in by token, paste the sign-in token. A room password field appears
 * when the room turns out to need one.
 */
export function createLoginView(onSubmit: (request: LoginRequest) => void): LoginView {
  let mode: LoginMode = "name";
  const input = h("input", {
    attrs: {
      id: "login-name",
      name: "name",
      type: "text",
      autocomplete: "nickname",
      maxlength: String(USERNAME_MAX_LENGTH),
      "aria-describedby": "login-error",
      enterkeyhint: "go",
    },
  });
  const tokenInput = h("input", {
    attrs: { id: "login-token", name: "token", type: "password", autocomplete: "off", spellcheck: "false", "aria-describedby": "login-error" },
  });
  const passwordInput = h("input", {
    attrs: { id: "login-password", name: "password", type: "password", autocomplete: "off", "aria-describedby": "login-error" },
  });
  const nameField = h("div", { className: "login-field" }, [h("label", { text: "Your name", attrs: { for: "login-name" } }), input]);
  const tokenField = h("div", { className: "login-field", attrs: { hidden: true } }, [
    h("label", { text: "Sign-in token", attrs: { for: "login-token" } }),
    tokenInput,
  ]);
  const passwordField = h("div", { className: "login-field", attrs: { hidden: true } }, [
    h("label", { text: "Room password", attrs: { for: "login-password" } }),
    passwordInput,
  ]);
  const error = h("p", { className: "form-error", attrs: { id: "login-error", role: "alert" } });
  const destination = h("p", { className: "login-room", attrs: { "data-testid": "login-room" } });
  const submit = h("button", { className: "button button-primary", text: "Join", attrs: { type: "submit" } });
  const form = h("form", { className: "login-form", attrs: { "aria-labelledby": "login-title" } }, [
    h("h1", { text: "Switchboard", attrs: { id: "login-title" } }),
    h("p", { className: "muted", text: "Video calls and chat, on your own server." }),
    destination,
    nameField,
    tokenField,
    passwordField,
    error,
    submit,
  ]);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const request = entered();
    if (typeof request === "string") return view.showError(request);
    error.textContent = "";
    onSubmit(request);
  });

  /** The request, or why the form is not complete. */
  function entered(): LoginRequest | string {
    const password = passwordField.hidden ? undefined : passwordInput.value;
    if (password === "") return "Enter the room's password.";
    const withPassword = password === undefined ? {} : { password };
    if (mode === "token") {
      const token = tokenInput.value.trim();
      return token === "" ? "Paste your sign-in token." : { token, ...withPassword };
    }
    const check = checkUsername(input.value.trim());
    return check.ok ? { name: check.name, ...withPassword } : check.reason;
  }

  const current = () => (!passwordField.hidden && passwordInput.value === "" ? passwordInput : mode === "token" ? tokenInput : input);

  const view: LoginView = {
    element: h("section", { className: "login", attrs: { "aria-label": "Log in" } }, [form]),
    showError(message) {
      error.textContent = message;
      current().setAttribute("aria-invalid", "true");
      view.setBusy(false);
      current().focus();
    },
    setBusy(busy) {
      for (const control of [submit, input, tokenInput, passwordInput]) control.disabled = busy;
      submit.textContent = busy ? "Joining…" : "Join";
    },
    focus() {
      current().focus();
    },
    setRoom(room) {
      destination.replaceChildren(...(room === null ? ["You are entering the lobby."] : ["You are joining the room ", h("strong", { text: room }), "."]));
    },
    setMode(next) {
      mode = next;
      nameField.hidden = next === "token";
      tokenField.hidden = next === "name";
      tokenInput.value = "";
    },
    askPassword() {
      passwordField.hidden = false;
      passwordInput.value = "";
    },
  };
  return view;
}
