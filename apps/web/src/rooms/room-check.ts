import { checkRoomName, LOBBY_ROOM, ROOM_NAME_MAX_LENGTH } from "@switchboard/protocol";

/**
 * The app checks a room name with the server's own rules before asking, so a typo is explained
 * at once. The server checks it again (and compares rooms by look-alike keys, which only it does:
 * the app leaves the confusables data out of its bundle).
 */
export { ROOM_NAME_MAX_LENGTH };

export type RoomCheck = { ok: true; room: string } | { ok: false; reason: string };

export function checkRoom(raw: string): RoomCheck {
  const room = raw.trim();
  if (room.length === 0) return { ok: false, reason: "Enter a room name." };
  const check = checkRoomName(room);
  return check.ok ? { ok: true, room: check.name } : check;
}

/**
 * The app's room (null: the lobby, at `/`) from the server's, which names the lobby `lobby`.
 * Case is enough here: the server folds look-alikes into the same room anyway.
 */
export function appRoom(serverRoom: string | null): string | null {
  if (serverRoom === null || serverRoom === "" || serverRoom.toLowerCase() === LOBBY_ROOM) return null;
  return serverRoom;
}

/** The server's name for the app's room. */
export function serverRoom(room: string | null): string {
  return room ?? LOBBY_ROOM;
}
