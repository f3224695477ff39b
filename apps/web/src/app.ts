import { SignalingClient, type ChatEntry, type SessionEnd, type UserInfo } from "@switchboard/client";
import { loginFailure } from "./auth/login-errors.js";
import { renewalFailureText } from "./auth/sign-in-expiry.js";
import { createSignInRenewal } from "./auth/sign-in-renewal.js";
import { keepSignInToken, noteTokenSignIn, signsInByToken, takeSignInToken } from "./auth/sign-in-token.js";
import { createChatDedupe } from "./chat-dedupe.js";
import { endedText } from "./ended-text.js";
import { h } from "./dom.js";
import { createCallController, type CallController } from "./call-controller.js";
import { connectWhileRingingRequested, relayOnlyRequested } from "./calls/call-url-options.js";
import { createTransferList } from "./files/transfer-list.js";
import { createSdkCalls } from "./calls/sdk-calls.js";
import { createGroupController, type GroupController } from "./group/group-controller.js";
import { createDeviceController } from "./media/device-controller.js";
import { groupVideoConstraints, VIDEO } from "./media/local-media.js";
import { createModerationController, type ModerationController } from "./moderation/moderation-controller.js";
import { leaveOnPageExit } from "./page-exit.js";
import { createRoomNavigation } from "./rooms/room-navigation.js";
import { createCallAlertsButton } from "./views/call-alerts-button.js";
import { createChatView } from "./views/chat-view.js";
import { createEndedView } from "./views/ended-view.js";
import { createLoginView, type LoginRequest } from "./views/login-view.js";
import { createMediaSetupDialog } from "./views/media-setup-dialog.js";
import { createNotices } from "./views/notices.js";
import { createPromptDialog } from "./views/prompt-dialog.js";
import { createRoomPicker } from "./views/room-picker.js";
import { createTopBar } from "./views/top-bar.js";
import { createUserList, type UserEntry } from "./views/user-list.js";

/**
 * The composition root of the web app: one SignalingClient (made at login, for the room the
 * page is at), the views, the 1:1 call controller and the group call. State the e2e suite reads
 * is mirrored as data attributes on #app:
 *   data-phase        "login" | "workspace" | "ended" (removed by a moderator, signed out)
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
  const prompt = createPromptDialog();
  const ended = createEndedView();
  document.body.append(setup.element, prompt.element);
  /** AUTH=jwt: the sign-in token (from the link's #token=, or typed), kept for this tab. */
  let signInToken = takeSignInToken();
  /** The logged-in client. */
  let client: SignalingClient | null = null;
  /** The client of the last login attempt (kept for a retry into the same room). */
  let attempt: SignalingClient | null = null;
  let attemptRoom: string | null = null;
  let attemptToken: string | null = null;
  let me: string | null = null;
  let users: readonly UserInfo[] = [];
  let calls: CallController | null = null;
  let group: GroupController | null = null;
  let moderation: ModerationController | null = null;

  const login = createLoginView((request) => void logIn(request));
  if (signInToken !== null || signsInByToken()) login.setMode("token");
  const lobbyPicker = createRoomPicker("lobby", (room) => navigation.go(room), { title: "Rooms" });
  const roomsPanel = createRoomPicker("workspace", (room, password) => navigation.go(room, password), { title: "Rooms", lobbyButton: () => navigation.go(null) });
  roomsPanel.element.classList.add("panel");
  login.element.append(lobbyPicker.element);

  const userList = createUserList({
    call: (name) => calls?.call(name),
    message: (name) => chat.openPrivate(name),
    askToMute: (name) => moderation?.askToMute(name),
    remove: (name) => moderation?.remove(name),
  });
  const shown = createChatDedupe();
  const chat = createChatView((text, target) => {
    client?.chat(text, target ?? undefined).catch((error: Error) => notices.show(`Message not sent: ${error.message}`, "error"));
  });

  const sidebar = h("div", { className: "sidebar" }, [userList.element, roomsPanel.element]);
  const workspace = h("main", { className: "workspace", attrs: { hidden: true } }, [sidebar, chat.element]);
  const transfers = createTransferList();
  root.replaceChildren(topBar.element, login.element, workspace, ended.element, notices.element, transfers.element);
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
    failed(error, room, password) {
      const failure = loginFailure(error, room, password !== undefined);
      if (failure.fix === "password" && room !== null) roomsPanel.askPassword(room, failure.text);
      else roomsPanel.showError(`Could not open the room: ${failure.text}`);
    },
  });
  login.focus();
  // A link with a sign-in token signs in at once: the token names the user.
  if (signInToken !== null) void logIn({ token: signInToken });
  // The tab closing: out of the group call (group-leave) and a normal close of the socket (the
  // server ends the session at once, and any 1:1 call with it), right away.
  leaveOnPageExit(() => {
    group?.leave();
    client?.close();
    attempt?.close();
  });

  function renderUsers(): void {
    const entries: UserEntry[] = users.map((u) => ({ name: u.name, busy: u.status === "busy", legacy: u.legacy }));
    userList.render(entries, me, (calls?.inCall ?? false) || (group?.inCall ?? false), moderation?.moderating ?? false);
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
    signaling.on("welcome", (welcome) => {
      noteTokenSignIn(welcome.auth === "jwt");
      if (welcome.auth === "jwt" && signaling.options.token === undefined) login.setMode("token");
    });
    // Before login a refused sign-in is the login's failure (see logIn); after, it ends the session.
    signaling.on("ended", (end) => {
      if (signaling === client) showEnded(end);
    });
    signaling.on("renamed", ({ requested, name }) => {
      notices.show(`The name "${requested}" was taken, so you are "${name}".`, "info");
      setSelf(name);
    });
    signaling.on("error", (error) => {
      // A frame the server got wrong is nothing the user can act on: the console, not a notice.
      if (error.code === "invalid-server-message") return console.warn("switchboard:", error.message);
      if (me === null) return;
      const renewal = renewalFailureText(error, signaling.state === "open", signaling.identity?.expiresAt ?? null, Date.now());
      notices.show(renewal ?? error.message, "error");
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

  /** A name (open servers) or a sign-in token, and the room's password when it asked for one. */
  async function logIn(request: LoginRequest): Promise<void> {
    login.setBusy(true);
    if (request.token !== undefined) setSignInToken(request.token);
    const room = navigation.room;
    const token = signInToken;
    const options = {
      ...(room === null ? {} : { room }),
      ...(request.password === undefined ? {} : { password: request.password }),
    };
    // The same room, sign-in and password: retry on the same client; else a fresh one.
    const same =
      attempt !== null &&
      attempt.state !== "closed" &&
      attemptRoom === room &&
      attemptToken === token &&
      attempt.options.password === options.password;
    if (attempt && !same) {
      const abandoned = attempt;
      attempt = null;
      abandoned.close();
    }
    const signaling = attempt ?? signingIn(options, token);
    if (signaling !== attempt) listen(signaling);
    attempt = signaling;
    attemptRoom = room;
    attemptToken = token;
    try {
      // With a token the server names us (identity.name); login() without a name takes it.
      const given = await signaling.login(signInToken === null ? request.name : undefined);
      client = signaling;
      setSelf(given);
      navigation.entered(signaling.room);
      startCalls(signaling);
      login.element.hidden = true;
      workspace.hidden = false;
      root.dataset.phase = "workspace";
    } catch (error) {
      loginFailed(error, room, request);
    }
  }

  /** A new client; with a sign-in token, one that renews it (see createSignInRenewal). */
  function signingIn(options: { room?: string; password?: string }, token: string | null): SignalingClient {
    if (token === null) return new SignalingClient(options);
    const renewal = createSignInRenewal({ notices, current: () => signInToken, renewed: (fresh) => setSignInToken(fresh) });
    const signaling = new SignalingClient({ ...options, token: renewal.token });
    renewal.follow(signaling);
    return signaling;
  }

  function loginFailed(error: unknown, room: string | null, request: LoginRequest): void {
    // A token for a server that signs in by name (login() found no identity): names, then.
    if (error instanceof TypeError && signInToken !== null) {
      setSignInToken(null);
      login.setMode("name");
      return login.showError("This server does not use sign-in tokens: choose a name.");
    }
    const failure = loginFailure(error, room, request.password !== undefined);
    if (failure.fix === "token") {
      // Refused or expired: not worth keeping; ask for another.
      setSignInToken(null);
      login.setMode("token");
    }
    if (failure.fix === "password") login.askPassword();
    login.showError(failure.text);
  }

  /** The token to sign in with from now on (kept for this tab's reloads); null forgets it. */
  function setSignInToken(token: string | null): void {
    signInToken = token;
    keepSignInToken(token);
  }

  /** The server ended the session for good: say why, and offer the way on (a fresh page). */
  function showEnded(end: SessionEnd): void {
    const text = endedText(end);
    if (end.kind === "sign-in-required") setSignInToken(null);
    login.element.hidden = true;
    workspace.hidden = true;
    root.dataset.phase = "ended";
    const rooms = text.action === "rooms";
    ended.show(text.title, text.text, {
      label: rooms ? "Back to the rooms" : "Sign in again",
      run: () => location.assign(rooms ? "/" : location.pathname),
    });
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
    moderation = createModerationController({
      client: signaling,
      notices,
      notice: (text) => chat.notice(text),
      prompt,
      // The Mute buttons' own path: the others see the microphone muted.
      muteMicrophone() {
        group?.muteMicrophone();
        calls?.muteMicrophone();
      },
      onChange: () => renderUsers(),
      mount: (panel) => userList.element.after(panel),
    });
  }
}
