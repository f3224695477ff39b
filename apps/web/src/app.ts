import { SignalingClient, type ChatEntry, type UserInfo } from "@switchboard/client";
import { createChatDedupe } from "./chat-dedupe.js";
import { h } from "./dom.js";
import { createCallController, type CallController } from "./call-controller.js";
import { connectWhileRingingRequested, relayOnlyRequested } from "./calls/call-url-options.js";
import { createTransferList } from "./files/transfer-list.js";
import { createSdkCalls } from "./calls/sdk-calls.js";
import { createGroupController, type GroupController } from "./group/group-controller.js";
import { createDeviceController } from "./media/device-controller.js";
import { groupVideoConstraints, VIDEO } from "./media/local-media.js";
import { leaveOnPageExit } from "./page-exit.js";
import { createRoomNavigation } from "./rooms/room-navigation.js";
import { createCallAlertsButton } from "./views/call-alerts-button.js";
import { createChatView } from "./views/chat-view.js";
import { createLoginView } from "./views/login-view.js";
import { createMediaSetupDialog } from "./views/media-setup-dialog.js";
import { createNotices } from "./views/notices.js";
import { createRoomPicker } from "./views/room-picker.js";
import { createTopBar } from "./views/top-bar.js";
import { createUserList, type UserEntry } from "./views/user-list.js";

/**
 * The composition root of the web app: one SignalingClient (made at login, for the room the
 * page is at), the views, the 1:1 call controller and the group call. State the e2e suite reads
 * is mirrored as data attributes on #app:
 *   data-phase        "login" | "workspace"
 *   data-room         the room shown ("" for the lobby)
 *   data-call-state   "idle" | "ringing-out" | "ringing-in" | "connecting" | "active"
 *   data-call-peer    the other party while not idle
 *   data-group-state  "idle" | "joining" | "joined"
 */
export function startApp(root: HTMLElement): void {
  const relayOnly = relayOnlyRequested();
  const connectWhileRinging = connectWhileRingingRequested();
  const notices = createNotices();
  const topBar = createTopBar();
  const devices = createDeviceController((text, kind) => notices.show(text, kind));
  const setup = createMediaSetupDialog(devices);
  // Camera & mic: a preview with a level meter and the device pickers, before any call (or in one).
  const settingsButton = h("button", {
    className: "button",
    text: "Camera & mic",
    attrs: { type: "button", "aria-haspopup": "dialog" },
    on: { click: () => void setup.settings(group?.inCall ? groupVideoConstraints() : VIDEO) },
  });
  topBar.element.append(
    settingsButton,
    createCallAlertsButton(() => notices.show("Notifications are blocked for this site; calls still ring in the tab.", "info")),
  );
  document.body.append(setup.element);
  /** The logged-in client. */
  let client: SignalingClient | null = null;
  /** The client of the last login attempt (kept for a retry into the same room). */
  let attempt: SignalingClient | null = null;
  let attemptRoom: string | null = null;
  let me: string | null = null;
  let users: readonly UserInfo[] = [];
  let calls: CallController | null = null;
  let group: GroupController | null = null;

  const login = createLoginView((name) => void logIn(name));
  const lobbyPicker = createRoomPicker("lobby", (room) => navigation.go(room), { title: "Rooms" });
  const roomsPanel = createRoomPicker("workspace", (room) => navigation.go(room), { title: "Rooms", lobbyButton: () => navigation.go(null) });
  roomsPanel.element.classList.add("panel");
  login.element.append(lobbyPicker.element);

  const userList = createUserList({
    call: (name) => calls?.call(name),
    message: (name) => chat.openPrivate(name),
  });
  const shown = createChatDedupe();
  const chat = createChatView((text, target) => {
    client?.chat(text, target ?? undefined).catch((error: Error) => notices.show(`Message not sent: ${error.message}`, "error"));
  });

  const sidebar = h("div", { className: "sidebar" }, [userList.element, roomsPanel.element]);
  const workspace = h("main", { className: "workspace", attrs: { hidden: true } }, [sidebar, chat.element]);
  const transfers = createTransferList();
  root.replaceChildren(topBar.element, login.element, workspace, notices.element, transfers.element);
  root.dataset.groupState = "idle";

  const navigation = createRoomNavigation({
    client: () => client,
    show(room, link) {
      root.dataset.room = room ?? "";
      topBar.setRoom(room, link);
      login.setRoom(room);
      lobbyPicker.element.hidden = room !== null;
      roomsPanel.setInRoom(room !== null);
      document.title = room === null ? "Switchboard" : `${room} · Switchboard`;
    },
    busy: (busy) => roomsPanel.setBusy(busy),
    failed: (message) => roomsPanel.showError(message),
  });
  login.focus();
  // The tab closing: out of the group call (group-leave) and a normal close of the socket (the
  // server ends the session at once, and any 1:1 call with it), right away.
  leaveOnPageExit(() => {
    group?.leave();
    client?.close();
    attempt?.close();
  });

  function renderUsers(): void {
    const entries: UserEntry[] = users.map((u) => ({ name: u.name, busy: u.status === "busy", legacy: u.legacy }));
    userList.render(entries, me, (calls?.inCall ?? false) || (group?.inCall ?? false));
    chat.setPeople(users.map((u) => u.name).filter((name) => name !== me));
  }

  function listen(signaling: SignalingClient): void {
    signaling.on("state", (state) => {
      if (signaling !== attempt) return; // An attempt given up for another room.
      topBar.setConnection(state);
      if (state === "reconnecting" && me !== null) notices.show("Connection lost. Reconnecting…", "warning");
    });
    signaling.on("users", (list) => {
      users = list;
      renderUsers();
    });
    signaling.on("user-joined", (user) => {
      if (me !== null && user.name !== me) chat.notice(`${user.name} joined`);
    });
    signaling.on("user-left", (name) => {
      if (me !== null) chat.notice(`${name} left`);
    });
    const showChat = (entry: ChatEntry) => {
      if (!shown.firstTime(entry)) return;
      const own = entry.from === me;
      const peer = entry.to === null ? null : own ? entry.to : entry.from;
      chat.add({ from: entry.from, text: entry.text, date: entry.date, peer, own });
    };
    signaling.on("chat", showChat);
    signaling.on("history", (entries) => entries.forEach(showChat));
    signaling.on("room", (room) => {
      // A new room: its presence, history and group call follow; the old room's chat goes.
      chat.clear();
      shown.reset();
      navigation.entered(room);
      if (signaling.name !== null && signaling.name !== me) setSelf(signaling.name);
    });
    signaling.on("renamed", ({ requested, name }) => {
      notices.show(`The name "${requested}" was taken, so you are "${name}".`, "info");
      setSelf(name);
    });
    signaling.on("error", (error) => {
      // A frame the server got wrong is nothing the user can act on: the console, not a notice.
      if (error.code === "invalid-server-message") return console.warn("switchboard:", error.message);
      if (me !== null) notices.show(error.message, "error");
    });
    // Other users' malformed or forged messages: dropped by the SDK, never shown.
    signaling.on("peer-message-invalid", (invalid) => console.debug("switchboard: dropped a message from", invalid.from, invalid.reason));
  }

  function setSelf(name: string): void {
    me = name;
    topBar.setUser(name);
    root.dataset.selfName = name;
    renderUsers();
  }

  async function logIn(name: string): Promise<void> {
    login.setBusy(true);
    const room = navigation.room;
    if (attempt && attemptRoom !== room) {
      const abandoned = attempt;
      attempt = null;
      abandoned.close();
    }
    const signaling = attempt ?? new SignalingClient(room === null ? {} : { room });
    if (signaling !== attempt) listen(signaling);
    attempt = signaling;
    attemptRoom = room;
    try {
      const given = await signaling.login(name);
      client = signaling;
      setSelf(given);
      navigation.entered(signaling.room);
      startCalls(signaling);
      login.element.hidden = true;
      workspace.hidden = false;
      root.dataset.phase = "workspace";
    } catch (error) {
      login.showError(error instanceof Error ? error.message : String(error));
    }
  }

  function startCalls(signaling: SignalingClient): void {
    calls = createCallController({
      createCalls: (media) => createSdkCalls(signaling, media, { relayOnly, connectWhileRinging }),
      relayOnly,
      root,
      notices,
      transfers,
      onChange: () => {
        renderUsers();
        group?.refresh();
      },
      mount: (element) => workspace.prepend(element),
      devices,
    });
    group = createGroupController({
      client: signaling,
      root,
      notices,
      relayOnly,
      transfers,
      inOneToOneCall: () => calls?.inCall ?? false,
      devices,
      setup,
      onChange: () => renderUsers(),
      mount({ banner, grid, controls }) {
        sidebar.prepend(banner);
        workspace.prepend(grid);
        root.append(controls);
      },
    });
  }
}
