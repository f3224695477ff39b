import { h } from "../dom.js";
import { createRoomLink, type CopyText } from "./room-link.js";

export interface TopBar {
  readonly element: HTMLElement;
  setUser(name: string | null): void;
  /** The room shown (null: the lobby) and its shareable link. */
  setRoom(room: string | null, link: string): void;
  setConnection(state: string): void;
}

const CONNECTION_TEXT: Record<string, string> = {
  idle: "Not connected yet",
  connecting: "Connecting…",
  open: "Connected",
  reconnecting: "Reconnecting…",
  closed: "Disconnected",
};

/**
 * Brand, the room (with its link), who you are, and the signaling connection's state. The state
 * appears only once the user has tried to connect: an "Offline" badge on a page nobody has used
 * yet reads as broken.
 */
export function createTopBar(copy?: CopyText): TopBar {
  const who = h("span", { className: "whoami", attrs: { hidden: true } });
  const connection = h("span", { className: "connection", attrs: { role: "status", "data-state": "idle", hidden: true } });
  const logo = h("img", { className: "brand-logo", attrs: { src: "/favicon.svg", alt: "" } });
  const room = createRoomLink(copy);
  const element = h("header", { className: "topbar" }, [
    h("div", { className: "brand" }, [logo, h("span", { text: "Switchboard" })]),
    room.element,
    h("div", { className: "spacer" }),
    who,
    connection,
  ]);
  return {
    element,
    setUser(name) {
      who.hidden = name === null;
      who.replaceChildren("Signed in as ", h("strong", { text: name ?? "" }));
    },
    setRoom(name, link) {
      room.show(name, link);
    },
    setConnection(state) {
      connection.hidden = state === "idle";
      connection.dataset.state = state;
      connection.textContent = CONNECTION_TEXT[state] ?? state;
    },
  };
}
