import type { ModeratedEvent } from "@switchboard/client";

/** A moderator's action as the room's notices say it; `me`: our name ("You" then). */
export function moderatedText(event: ModeratedEvent, me: string | null): string {
  const by = event.by === me ? "You" : event.by;
  const because = event.reason ? `: ${event.reason}` : "";
  switch (event.action) {
    case "remove":
      if (event.target === me) return `You were removed by ${event.by}${because}`;
      return `${event.target ?? "Someone"} was removed by ${by === "You" ? "you" : by}${because}`;
    case "mute":
      return `${by} asked you to mute`;
    case "lock":
      return `${by} locked the room`;
    case "unlock":
      return `${by} unlocked the room`;
    case "end-call":
      return `${by} ended the group call for everyone`;
    case "set-password":
      return `${by} changed the room's password`;
  }
}
