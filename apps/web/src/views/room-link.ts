import { h } from "../dom.js";

export interface RoomLinkView {
  readonly element: HTMLElement;
  /** null: the lobby (nothing to share). */
  show(room: string | null, link: string): void;
}

/** Writes text to the clipboard; false when the browser refuses (no permission, insecure page). */
export type CopyText = (text: string) => Promise<boolean>;

const CONFIRMATION_MS = 2000;

export const clipboardCopy: CopyText = async (text) => {
  try {
    if (!navigator.clipboard) return false;
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
};

/**
 * The room the user is in, and its link in one click. Where the clipboard is refused, the link
 * appears selected in a field instead, ready for Ctrl+C / a long press.
 */
export function createRoomLink(copy: CopyText = clipboardCopy): RoomLinkView {
  let link = "";
  let confirmationTimer: ReturnType<typeof setTimeout> | undefined;
  const name = h("strong", { className: "room-name", attrs: { "data-testid": "room-name" } });
  const prefix = h("span", { className: "muted-label", text: "Room " });
  const label = h("span", { className: "room-label" }, [prefix, name]);
  const status = h("span", { className: "copy-status", attrs: { role: "status" } });
  const fallback = h("input", {
    className: "room-link-field",
    attrs: { type: "text", readonly: true, hidden: true, "aria-label": "Room link" },
  });
  const copyButton = h("button", {
    className: "button button-small",
    text: "Copy link",
    attrs: { type: "button", "aria-label": "Copy room link" },
    on: { click: () => void copyLink() },
  });
  const element = h("div", { className: "room-link" }, [label, copyButton, fallback, status]);

  async function copyLink(): Promise<void> {
    clearTimeout(confirmationTimer);
    if (await copy(link)) {
      fallback.hidden = true;
      status.textContent = "Copied";
      confirmationTimer = setTimeout(() => (status.textContent = ""), CONFIRMATION_MS);
      return;
    }
    fallback.value = link;
    fallback.hidden = false;
    fallback.focus();
    fallback.select();
    status.textContent = "Select the link and copy it";
  }

  return {
    element,
    show(room, nextLink) {
      link = nextLink;
      element.dataset.room = room ?? "";
      name.textContent = room ?? "Lobby";
      prefix.textContent = room === null ? "" : "Room ";
      copyButton.hidden = room === null;
      fallback.hidden = true;
      status.textContent = "";
    },
  };
}
