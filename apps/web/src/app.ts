import { SignalingClient, type UserInfo } from "@switchboard/client";
import { h } from "./dom.js";
import { createCallController, type CallController } from "./call-controller.js";
import { relayOnlyRequested } from "./calls/relay-mode.js";
import { createSdkCalls } from "./calls/sdk-calls.js";
import { createChatView } from "./views/chat-view.js";
import { createLoginView } from "./views/login-view.js";
import { createNotices } from "./views/notices.js";
import { createTopBar } from "./views/top-bar.js";
import { createUserList, type UserEntry } from "./views/user-list.js";

/**
 * The composition root of the web app: one SignalingClient, the views, and the call
 * controller. State the e2e suite reads is mirrored as data attributes on #app:
 *   data-phase       "login" | "workspace"
 *   data-call-state  "idle" | "ringing-out" | "ringing-in" | "connecting" | "active"
 *   data-call-peer   the other party while not idle
 */
export function startApp(root: HTMLElement): void {
  const client = new SignalingClient();
  const relayOnly = relayOnlyRequested();
  const notices = createNotices();
  const topBar = createTopBar();
  let me: string | null = null;
  let users: readonly UserInfo[] = [];
  let calls: CallController | null = null;

  const login = createLoginView((name) => void logIn(name));
  const userList = createUserList({
    call: (name) => calls?.call(name),
    message: (name) => chat.openPrivate(name),
  });
  const chat = createChatView((text, target) => {
    client.chat(text, target ?? undefined).catch((error: Error) => notices.show(`Message not sent: ${error.message}`, "error"));
  });

  const workspace = h("main", { className: "workspace", attrs: { hidden: true } }, [userList.element, chat.element]);
  root.replaceChildren(topBar.element, login.element, workspace, notices.element);
  login.focus();

  function renderUsers(): void {
    const entries: UserEntry[] = users.map((u) => ({ name: u.name, busy: u.status === "busy", legacy: u.legacy }));
    userList.render(entries, me, calls?.inCall ?? false);
    chat.setPeople(users.map((u) => u.name).filter((name) => name !== me));
  }

  client.on("state", (state) => {
    topBar.setConnection(state);
    if (state === "reconnecting" && me !== null) notices.show("Connection lost. Reconnecting…", "warning");
  });
  client.on("users", (list) => {
    users = list;
    renderUsers();
  });
  client.on("user-joined", (user) => {
    if (me !== null && user.name !== me) chat.notice(`${user.name} joined`);
  });
  client.on("user-left", (name) => {
    if (me !== null) chat.notice(`${name} left`);
  });
  client.on("chat", (entry) => {
    const own = entry.from === me;
    const peer = entry.to === null ? null : own ? entry.to : entry.from;
    chat.add({ from: entry.from, text: entry.text, date: entry.date, peer, own });
  });
  client.on("renamed", ({ requested, name }) => {
    notices.show(`The name "${requested}" was taken, so you are "${name}".`, "info");
    setSelf(name);
  });
  client.on("error", (error) => {
    // A frame the server got wrong is nothing the user can act on: the console, not a notice.
    if (error.code === "invalid-server-message") return console.warn("switchboard:", error.message);
    if (me !== null) notices.show(error.message, "error");
  });
  // Other users' malformed or forged messages: dropped by the SDK, never shown.
  client.on("peer-message-invalid", (invalid) => console.debug("switchboard: dropped a message from", invalid.from, invalid.reason));

  function setSelf(name: string): void {
    me = name;
    topBar.setUser(name);
    root.dataset.selfName = name;
    renderUsers();
  }

  async function logIn(name: string): Promise<void> {
    login.setBusy(true);
    try {
      const given = await client.login(name);
      setSelf(given);
      calls = createCallController({
        createCalls: (media) => createSdkCalls(client, media, { relayOnly }),
        relayOnly,
        root,
        notices,
        onChange: () => renderUsers(),
        mount: (element) => workspace.prepend(element),
      });
      login.element.hidden = true;
      workspace.hidden = false;
      root.dataset.phase = "workspace";
    } catch (error) {
      login.showError(error instanceof Error ? error.message : String(error));
    }
  }
}
