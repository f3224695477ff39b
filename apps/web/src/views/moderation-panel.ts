import { h } from "../dom.js";

export interface ModerationPanelHandlers {
  lock(): void;
  unlock(): void;
  setPassword(): void;
  clearPassword(): void;
  endCall(): void;
}

export interface ModerationPanelState {
  /** We moderate the room: the panel shows only then. */
  moderator: boolean;
  locked: boolean;
  passwordProtected: boolean;
  /** The room's group call is on (someone is in it). */
  callActive: boolean;
}

export interface ModerationPanel {
  readonly element: HTMLElement;
  render(state: ModerationPanelState): void;
}

/** The room's controls for its moderators: lock, password, end the group call. Hidden for everyone else. */
export function createModerationPanel(handlers: ModerationPanelHandlers): ModerationPanel {
  let state: ModerationPanelState = { moderator: false, locked: false, passwordProtected: false, callActive: false };
  const status = h("p", { className: "muted moderation-status", attrs: { "aria-live": "polite" } });
  const lock = h("button", { className: "button button-small", attrs: { type: "button" }, on: { click: () => (state.locked ? handlers.unlock() : handlers.lock()) } });
  const password = h("button", {
    className: "button button-small",
    attrs: { type: "button" },
    on: { click: () => (state.passwordProtected ? handlers.clearPassword() : handlers.setPassword()) },
  });
  const endCall = h("button", { className: "button button-small button-danger", text: "End call for everyone", attrs: { type: "button" }, on: { click: () => handlers.endCall() } });
  const element = h("section", { className: "panel moderation", attrs: { "aria-labelledby": "moderation-title", hidden: true } }, [
    h("h2", { text: "Moderation", attrs: { id: "moderation-title" } }),
    status,
    h("div", { className: "moderation-actions" }, [lock, password, endCall]),
  ]);

  return {
    element,
    render(next) {
      state = next;
      element.hidden = !next.moderator;
      const facts = [next.locked ? "Locked: nobody new can join." : "Open to new people.", next.passwordProtected ? "Password needed to join." : ""];
      status.textContent = facts.filter(Boolean).join(" ");
      lock.textContent = next.locked ? "Unlock room" : "Lock room";
      password.textContent = next.passwordProtected ? "Clear password" : "Set password";
      endCall.hidden = !next.callActive;
    },
  };
}
