import type { SignalingClient } from "@switchboard/client";
import { appRoom, serverRoom } from "./room-check.js";
import { pathForRoom, roomFromPath, roomLink } from "./room-route.js";

export interface RoomNavigationOptions {
  /** The logged-in client; null before login (then a room is only where the page is). */
  client(): SignalingClient | null;
  /** The room the page is at changed (null: the lobby); `link` is its shareable address. */
  show(room: string | null, link: string): void;
  /** A switch is under way (the room picker waits). */
  busy(busy: boolean): void;
  /** A switch to `room` was refused (bad name, locked, a password needed, server gone); `password`: the one tried. */
  failed(error: unknown, room: string | null, password: string | undefined): void;
}

export interface RoomNavigation {
  /** The room the page is at (null: the lobby). */
  readonly room: string | null;
  /** The user asks for `room` (with its password): a new history entry, and after login a `join-room` (no reload). */
  go(room: string | null, password?: string): void;
  /** The server says we are in `room`, spelled its way (`lobby` is the lobby): the URL follows. */
  entered(room: string | null): void;
}

/**
 * Keeps the URL (`/r/<room>`, `/` for the lobby), the history and the signaling room in step.
 * Back and forward switch rooms too, without reloading the page.
 */
export function createRoomNavigation(options: RoomNavigationOptions): RoomNavigation {
  let room = appRoom(roomFromPath(location.pathname));
  /** How the URL follows the room the current switch ends in. */
  let pending: "push" | "replace" | null = null;

  window.addEventListener("popstate", () => {
    const target = appRoom(roomFromPath(location.pathname));
    if (target === room) return;
    if (options.client()) void join(target, "replace", undefined);
    else setRoom(target);
  });

  function setRoom(next: string | null): void {
    room = next;
    options.show(next, roomLink(location.origin, next));
  }

  async function join(target: string | null, mode: "push" | "replace", password: string | undefined): Promise<void> {
    const client = options.client();
    if (!client) return;
    pending = mode;
    options.busy(true);
    try {
      const joined = await client.joinRoom(serverRoom(target), password === undefined ? {} : { password });
      navigation.entered(joined.room);
    } catch (error) {
      // Back/forward already moved the URL: put it back where we still are.
      if (mode === "replace") history.replaceState(null, "", pathForRoom(room));
      options.failed(error, target, password);
    } finally {
      pending = null;
      options.busy(false);
    }
  }

  const navigation: RoomNavigation = {
    get room() {
      return room;
    },
    go(target, password) {
      if (options.client()) return void join(target, "push", password);
      if (target !== room) history.pushState(null, "", pathForRoom(target));
      setRoom(target);
    },
    entered(joined) {
      const next = appRoom(joined);
      if (appRoom(roomFromPath(location.pathname)) !== next || (next === null && location.pathname !== "/")) {
        if (pending === "push") history.pushState(null, "", pathForRoom(next));
        else history.replaceState(null, "", pathForRoom(next));
        pending = pending === null ? null : "replace";
      }
      setRoom(next);
    },
  };
  options.show(room, roomLink(location.origin, room));
  return navigation;
}
