import { h } from "../dom.js";
import { formatClock } from "../format.js";

export interface ChatEntry {
  from: string;
  text: string;
  date: number | string;
  /** The other party of a private message; null for public chat. */
  peer: string | null;
  /** Sent by this user. */
  own: boolean;
}

export interface ChatView {
  readonly element: HTMLElement;
  add(entry: ChatEntry): void;
  /** Notices (joins, call results) shown in the public conversation. */
  notice(text: string): void;
  setPeople(names: readonly string[]): void;
  /** Switches to the private conversation with `name` and focuses the input. */
  openPrivate(name: string): void;
  clear(): void;
}

const EVERYONE = "";
const MAX_ENTRIES = 500;

/**
 * Public chat and private conversations. One selector picks the conversation: it filters the
 * log and addresses what you send. Message text is set with textContent only.
 */
export function createChatView(onSend: (text: string, target: string | null) => void): ChatView {
  type Item = ChatEntry | { notice: string; date: number };
  const items: Item[] = [];
  const unread = new Map<string, number>();
  let people: string[] = [];
  let current = EVERYONE;

  const select = h("select", { attrs: { id: "chat-target", name: "target" } });
  const log = h("ol", { className: "chat-log", attrs: { role: "log", "aria-live": "polite", "aria-label": "Messages" } });
  const input = h("input", {
    attrs: { id: "chat-input", name: "text", type: "text", autocomplete: "off", "aria-label": "Message", placeholder: "Write a message…", maxlength: "4000", enterkeyhint: "send" },
  });
  const form = h("form", { className: "chat-form" }, [
    input,
    h("button", { className: "button button-primary", text: "Send", attrs: { type: "submit" } }),
  ]);
  select.addEventListener("change", () => switchTo(select.value));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = input.value;
    if (text.trim() === "") return;
    onSend(text, current === EVERYONE ? null : current);
    input.value = "";
    input.focus();
  });

  const element = h("section", { className: "panel chat", attrs: { "aria-labelledby": "chat-title" } }, [
    h("div", { className: "panel-header" }, [
      h("h2", { text: "Chat", attrs: { id: "chat-title" } }),
      h("label", { className: "inline-label", text: "Conversation", attrs: { for: "chat-target" } }),
      select,
    ]),
    log,
    form,
  ]);
  renderOptions();

  function belongs(item: Item): boolean {
    if ("notice" in item) return current === EVERYONE;
    return (item.peer ?? EVERYONE) === current;
  }

  function renderItem(item: Item): HTMLLIElement {
    if ("notice" in item) return h("li", { className: "chat-notice", text: item.notice });
    return h("li", { className: item.own ? "chat-message own" : "chat-message", attrs: { "data-from": item.from } }, [
      h("div", { className: "chat-meta" }, [
        h("span", { className: "chat-from", text: item.own && item.peer ? `You → ${item.peer}` : item.from }),
        item.peer && !item.own ? h("span", { className: "badge", text: "private" }) : null,
        h("time", { className: "chat-time", text: formatClock(item.date) }),
      ]),
      h("p", { className: "chat-text", text: item.text }),
    ]);
  }

  function renderLog(): void {
    log.replaceChildren(...items.filter(belongs).map(renderItem));
    log.scrollTop = log.scrollHeight;
  }

  function renderOptions(): void {
    const names = [...new Set([...people, ...unread.keys(), ...(current ? [current] : [])])].sort();
    const options = [h("option", { text: "Everyone", attrs: { value: EVERYONE } })];
    for (const name of names) {
      const count = unread.get(name) ?? 0;
      const online = people.includes(name);
      const label = `${name}${online ? "" : " (offline)"}${count > 0 ? ` — ${count} new` : ""}`;
      options.push(h("option", { text: label, attrs: { value: name } }));
    }
    select.replaceChildren(...options);
    select.value = current;
  }

  function switchTo(name: string): void {
    current = name;
    unread.delete(name);
    renderOptions();
    renderLog();
    input.placeholder = name === EVERYONE ? "Write a message…" : `Private message to ${name}…`;
  }

  function push(item: Item): void {
    items.push(item);
    if (items.length > MAX_ENTRIES) items.splice(0, items.length - MAX_ENTRIES);
    if (belongs(item)) {
      log.append(renderItem(item));
      while (log.childElementCount > MAX_ENTRIES) log.firstElementChild?.remove();
      log.scrollTop = log.scrollHeight;
    } else if (!("notice" in item) && item.peer) {
      unread.set(item.peer, (unread.get(item.peer) ?? 0) + 1);
      renderOptions();
    }
  }

  return {
    element,
    add: (entry) => push(entry),
    notice: (text) => push({ notice: text, date: Date.now() }),
    setPeople(names) {
      people = [...names];
      renderOptions();
    },
    openPrivate(name) {
      switchTo(name);
      input.focus();
    },
    clear() {
      items.length = 0;
      unread.clear();
      current = EVERYONE;
      renderOptions();
      renderLog();
    },
  };
}
