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
}

/**
 * Create a room (a readable random name) or open one by name. `idPrefix` keeps the ids unique
 * when the page holds two pickers (the lobby's first page and the workspace).
 */
export function createRoomPicker(idPrefix: string, open: (room: string) => void, options: { title: string; lobbyButton?: () => void }): RoomPicker {
  const inputId = `${idPrefix}-room-name`;
  const errorId = `${idPrefix}-room-error`;
  const input = h("input", {
    attrs: { id: inputId, name: "room", type: "text", autocomplete: "off", maxlength: String(ROOM_NAME_MAX_LENGTH * 2), "aria-describedby": errorId, enterkeyhint: "go" },
  });
  const error = h("p", { className: "form-error", attrs: { id: errorId, role: "alert" } });
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
    error,
  ]);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const check = checkRoom(input.value);
    if (!check.ok) return picker.showError(check.reason);
    choose(check.room);
  });
  const lobby = options.lobbyButton
    ? h("button", { className: "button button-link", text: "Back to the lobby", attrs: { type: "button", hidden: true }, on: { click: options.lobbyButton } })
    : null;

  function choose(room: string): void {
    error.textContent = "";
    input.removeAttribute("aria-invalid");
    input.value = "";
    open(room);
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
      input.disabled = busy;
      openButton.disabled = busy;
      createButton.disabled = busy;
    },
    setInRoom(inRoom) {
      if (lobby) lobby.hidden = !inRoom;
    },
  };
  return picker;
}
