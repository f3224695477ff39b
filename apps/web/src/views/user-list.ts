import { h } from "../dom.js";

export interface UserEntry {
  name: string;
  busy: boolean;
  /** Speaks only the article's protocol: callable, but it answers at once (no ringing). */
  legacy: boolean;
}

export interface UserListHandlers {
  call(name: string): void;
  message(name: string): void;
  /** A moderator's actions on a user (the buttons show only to moderators). */
  askToMute(name: string): void;
  remove(name: string): void;
}

export interface UserListView {
  readonly element: HTMLElement;
  /** `moderating`: we moderate the room, so each other user's row gets "Ask to mute" and "Remove…". */
  render(users: readonly UserEntry[], self: string | null, inCall: boolean, moderating?: boolean): void;
}

/**
 * Everyone online. Each row is a real button (click or Enter calls), plus a button that opens a
 * private conversation. Yourself and busy users are marked; a busy user can still be called
 * (the callee's app answers "busy"), nobody can be called while you are in a call.
 */
export function createUserList(handlers: UserListHandlers): UserListView {
  const count = h("span", { className: "count", attrs: { "aria-live": "polite" } });
  const list = h("ul", { className: "user-list", attrs: { "aria-labelledby": "users-title" } });
  const element = h("section", { className: "panel users", attrs: { "aria-labelledby": "users-title" } }, [
    h("h2", { attrs: { id: "users-title" } }, ["People ", count]),
    list,
  ]);

  return {
    element,
    render(users, self, inCall, moderating = false) {
      const sorted = [...users].sort((a, b) => {
        if (a.name === self) return -1;
        if (b.name === self) return 1;
        return a.name.localeCompare(b.name);
      });
      count.textContent = `(${users.length})`;
      list.replaceChildren(...sorted.map((user) => row(user, user.name === self, inCall, moderating)));
    },
  };

  function row(user: UserEntry, isSelf: boolean, inCall: boolean, moderating: boolean): HTMLLIElement {
    const badges: HTMLElement[] = [];
    if (isSelf) badges.push(h("span", { className: "badge badge-self", text: "you" }));
    if (user.busy && !isSelf) badges.push(h("span", { className: "badge badge-busy", text: "busy" }));
    if (user.legacy) {
      badges.push(h("span", { className: "badge badge-legacy", text: "basic", attrs: { title: "Uses a basic client: calls connect without ringing" } }));
    }
    const status = isSelf ? "you" : user.busy ? "busy" : "available";
    const callable = !isSelf && !inCall;
    const callButton = h(
      "button",
      {
        className: "user-call",
        attrs: {
          type: "button",
          "aria-label": isSelf ? `${user.name} (you)` : `Call ${user.name}${user.busy ? " (busy)" : ""}`,
          disabled: !callable,
          "data-user": user.name,
        },
        on: { click: () => handlers.call(user.name) },
      },
      [
        h("span", { className: `avatar status-${status}`, text: initials(user.name), attrs: { "aria-hidden": "true" } }),
        h("span", { className: "user-name", text: user.name }),
        ...badges,
      ],
    );
    const messageButton = isSelf
      ? null
      : h("button", {
          className: "icon-button",
          text: "✉",
          attrs: { type: "button", "aria-label": `Message ${user.name}`, title: `Message ${user.name}` },
          on: { click: () => handlers.message(user.name) },
        });
    const moderation = moderating && !isSelf ? moderatorActions(user) : null;
    return h("li", { className: "user-row", attrs: { "data-user": user.name, "data-status": status } }, [callButton, messageButton, moderation]);
  }

  /** A basic (article) client cannot be asked to mute: it would not understand. */
  function moderatorActions(user: UserEntry): HTMLElement {
    const mute = user.legacy
      ? null
      : h("button", { className: "button button-small", text: "Ask to mute", attrs: { type: "button", "aria-label": `Ask ${user.name} to mute` }, on: { click: () => handlers.askToMute(user.name) } });
    const remove = h("button", {
      className: "button button-small button-danger",
      text: "Remove…",
      attrs: { type: "button", "aria-label": `Remove ${user.name}…`, "aria-haspopup": "dialog" },
      on: { click: () => handlers.remove(user.name) },
    });
    return h("div", { className: "user-moderation" }, [mute, remove]);
  }
}

function initials(name: string): string {
  const parts = name.split(/[\s_.-]+/).filter(Boolean);
  const letters = parts.length > 1 ? [parts[0]!, parts[1]!].map((p) => [...p][0]) : [...name].slice(0, 2);
  return letters.join("").toUpperCase();
}
