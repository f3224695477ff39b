import { h } from "../dom.js";

export interface TopBar {
  readonly element: HTMLElement;
  setUser(name: string | null): void;
  setConnection(state: string): void;
}

const CONNECTION_TEXT: Record<string, string> = {
  idle: "Offline",
  connecting: "Connecting…",
  open: "Connected",
  reconnecting: "Reconnecting…",
  closed: "Disconnected",
};

/** Brand, who you are, and the signaling connection's state. */
export function createTopBar(): TopBar {
  const who = h("span", { className: "whoami", attrs: { hidden: true } });
  const connection = h("span", { className: "connection", text: CONNECTION_TEXT.idle!, attrs: { role: "status", "data-state": "idle" } });
  const logo = h("img", { className: "brand-logo", attrs: { src: "/favicon.svg", alt: "" } });
  const element = h("header", { className: "topbar" }, [
    h("div", { className: "brand" }, [logo, h("span", { text: "Switchboard" })]),
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
    setConnection(state) {
      connection.dataset.state = state;
      connection.textContent = CONNECTION_TEXT[state] ?? state;
    },
  };
}
