import type { SessionEnd } from "@switchboard/client";
import { appRoom } from "./rooms/room-check.js";

export interface EndedText {
  title: string;
  text: string;
  /** The way on: back to the room picker, or sign in again. */
  action: "rooms" | "sign-in";
}

/** What the ended screen says about how the server ended the session. */
export function endedText(end: SessionEnd): EndedText {
  switch (end.kind) {
    case "removed": {
      const room = appRoom(end.room);
      const where = room === null ? "the lobby" : room;
      const by = end.by === null ? "" : ` by ${end.by}`;
      return { title: "You were removed", text: `You were removed from ${where}${by}${end.reason ? `: ${end.reason}` : "."}`, action: "rooms" };
    }
    case "sign-in-required":
      return { title: "Signed out", text: "Your sign-in token has expired, so the server ended your session. Sign in again with a new token.", action: "sign-in" };
    case "sign-in-refused":
      return { title: "Could not get back in", text: `The server did not let you back in: ${end.error.message}`, action: "rooms" };
    case "session-replaced":
      return { title: "Opened elsewhere", text: "Your session was taken over by another tab or device.", action: "rooms" };
  }
}
