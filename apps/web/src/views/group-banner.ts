import { h } from "../dom.js";
import { groupSummary } from "../group/tile-model.js";

export type GroupPhase = "idle" | "joining" | "joined";

export interface GroupBannerState {
  participants: readonly string[];
  self: string | null;
  phase: GroupPhase;
  /** False while a 1:1 call is on (one call at a time). */
  canJoin: boolean;
  /** The call goes through the media server ("sfu"), or pair to pair ("mesh"). */
  media: "mesh" | "sfu";
  /** In the call, through the media server: whether it is interrupted now. */
  interrupted: boolean;
}

/** What the banner says while the media server is interrupted (it reconnects by itself). */
export const MEDIA_SERVER_INTERRUPTED = "Media server restarted — reconnecting…";

export interface GroupBanner {
  readonly element: HTMLElement;
  render(state: GroupBannerState): void;
}

/**
 * The room's group call, for everyone in the room: whether one is going on, who is in it, whether
 * it goes through the media server (and, in it, whether that is interrupted now), and a button
 * to start or join it (leaving is on the call's controls bar).
 */
export function createGroupBanner(join: () => void): GroupBanner {
  const summary = h("p", { className: "group-summary", attrs: { "aria-live": "polite" } });
  const via = h("p", { className: "group-via", text: "via media server", attrs: { hidden: true } });
  const status = h("p", { className: "group-status", text: MEDIA_SERVER_INTERRUPTED, attrs: { role: "status", hidden: true } });
  const people = h("ul", { className: "group-people", attrs: { "aria-label": "In the group call" } });
  const joinButton = h("button", { className: "button button-accept", attrs: { type: "button" }, on: { click: () => join() } });
  const element = h("section", { className: "panel group-banner", attrs: { "aria-labelledby": "group-title" } }, [
    h("h2", { text: "Group call", attrs: { id: "group-title" } }),
    summary,
    via,
    status,
    people,
    joinButton,
  ]);
  return {
    element,
    render({ participants, self, phase, canJoin, media, interrupted }) {
      element.dataset.participants = String(participants.length);
      element.dataset.media = media;
      via.hidden = media !== "sfu" || participants.length === 0;
      status.hidden = !interrupted;
      summary.textContent = groupSummary(participants, self, phase === "joined");
      people.replaceChildren(...participants.map((name) => h("li", { className: "group-person", text: name === self ? `${name} (you)` : name, attrs: { "data-user": name } })));
      people.hidden = participants.length === 0;
      joinButton.hidden = phase === "joined";
      joinButton.disabled = phase === "joining" || !canJoin;
      const text = phase === "joining" ? "Joining…" : participants.length === 0 ? "Start group call" : "Join group call";
      joinButton.textContent = text;
      joinButton.title = canJoin ? "" : "Hang up your call first";
    },
  };
}
