import { h } from "../dom.js";
import { checkRoom, ROOM_NAME_MAX_LENGTH } from "../rooms/room-check.js";
import { randomRoomName } from "../rooms/room-names.js";

export interface RoomPicker {
  readonly element: HTMLElement;
  /** Shows why the last room could not be opened, and re-enables the form. */
  showError(message: string): void;
  setBusy(busy: boolean): void;
  /** The "Back to the lobby" button shows only in a room. */
  setInRoom(inRoom: boolean): void;
  /** `room` needs a password: shows why and a password field; the next open of it sends the password. */
  askPassword(room: string, message: string): void;
}

/**
 * Create a room (a readable random name) or open one by name, with its password when it turns
 * out to need one. `idPrefix` keeps the ids unique when the page holds two pickers (the lobby's
 * first page and the workspace).
 */
export function createRoomPicker(
  idPrefix: string,
  open: (room: string, password?: string) => void,
  options: { title: string; lobbyButton?: () => void },
): RoomPicker {
  const inputId = `${idPrefix}-room-name`;
  const errorId = `${idPrefix}-room-error`;
  const passwordId = `${idPrefix}-room-password`;
  const input = h("input", {
    attrs: { id: inputId, name: "room", type: "text", autocomplete: "off", maxlength: String(ROOM_NAME_MAX_LENGTH * 2), "aria-describedby": errorId, enterkeyhint: "go" },
  });
  const error = h("p", { className: "form-error", attrs: { id: errorId, role: "alert" } });
  const passwordInput = h("input", { attrs: { id: passwordId, name: "password", type: "password", autocomplete: "off", "aria-describedby": errorId } });
  const passwordField = h("div", { className: "room-password", attrs: { hidden: true } }, [
    h("label", { text: "Room password", attrs: { for: passwordId } }),
    passwordInput,
  ]);
  const openButton = h("button", { className: "button", text: "Open room", attrs: { type: "submit" } });
  const createButton = h("button", {
    className: "button button-primary",
    text: "Create a room",
    attrs: { type: "button" },
    on: { click: () => choose(randomRoomName()) },
  });
  const form = h("form", { className: "room-picker-form" }, [
    h("label", { text: "Room name", attrs: { for: inputId } }),
    h("div", { className: "inline-form" }, [input, openButton]),
    passwordField,
    error,
  ]);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const check = checkRoom(input.value);
    if (!check.ok) return picker.showError(check.reason);
    if (!passwordField.hidden && passwordInput.value === "") return picker.showError("Enter the room's password.");
    choose(check.room, passwordField.hidden ? undefined : passwordInput.value);
  });
  const lobby = options.lobbyButton
    ? h("button", { className: "button button-link", text: "Back to the lobby", attrs: { type: "button", hidden: true }, on: { click: options.lobbyButton } })
    : null;

  function choose(room: string, password?: string): void {
    error.textContent = "";
    input.removeAttribute("aria-invalid");
    input.value = "";
    passwordField.hidden = true;
    passwordInput.value = "";
    open(room, password);
  }

  const titleId = `${idPrefix}-rooms-title`;
  const picker: RoomPicker = {
    element: h("section", { className: "room-picker", attrs: { "aria-labelledby": titleId } }, [
      h("h2", { text: options.title, attrs: { id: titleId } }),
      createButton,
      form,
      lobby,
    ]),
    showError(message) {
      error.textContent = message;
      input.setAttribute("aria-invalid", "true");
      picker.setBusy(false);
    },
    setBusy(busy) {
      for (const control of [input, passwordInput, openButton, createButton]) control.disabled = busy;
    },
    setInRoom(inRoom) {
      if (lobby) lobby.hidden = !inRoom;
    },
    askPassword(room, message) {
      input.value = room;
      passwordField.hidden = false;
      passwordInput.value = "";
      picker.showError(message);
      passwordInput.focus();
    },
  };
  return picker;
}
