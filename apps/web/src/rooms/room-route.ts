/**
 * Where the app is: `/r/<room>` is a room (the name URL-encoded), anything else the lobby
 * (null). Pure, so the mapping is unit-tested both ways.
 */
const ROOM_PREFIX = "/r/";

export function roomFromPath(pathname: string): string | null {
  if (!pathname.startsWith(ROOM_PREFIX)) return null;
  const encoded = pathname.slice(ROOM_PREFIX.length).replace(/\/+$/, "");
  if (encoded === "" || encoded.includes("/")) return null;
  try {
    const room = decodeURIComponent(encoded);
    return room.trim() === "" ? null : room;
  } catch {
    return null; // A malformed escape: not a room we could have made a link to.
  }
}

/** The path of a room, or of the lobby for null. */
export function pathForRoom(room: string | null): string {
  return room === null ? "/" : ROOM_PREFIX + encodeURIComponent(room);
}

/** The shareable link of a room on this origin. */
export function roomLink(origin: string, room: string | null): string {
  return origin + pathForRoom(room);
}
