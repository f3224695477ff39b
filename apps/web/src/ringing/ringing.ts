import { notifyIncomingCall } from "./call-notification.js";
import { createRingTone, type RingTone } from "./ring-tone.js";
import { createTitleFlash, type TitleFlash } from "./title-flash.js";

/** What the call UI shows; ringing follows it. */
export type RingingPhase = "idle" | "ringing-in" | "ringing-out" | "connecting" | "active";

export interface Ringing {
  /** Rings for an incoming call, rings back for an outgoing one, and is quiet otherwise. */
  follow(phase: RingingPhase, peer: string | null): void;
  /** Loudness of the ring tone now (0 when silent). */
  level(): number;
}

/**
 * Ringing that people notice: the ring tone, the tab title flashing while the page is hidden,
 * and a system notification for incoming calls.
 */
export function createRinging(parts: { tone?: RingTone; title?: TitleFlash; doc?: Document } = {}): Ringing {
  const doc = parts.doc ?? document;
  const tone = parts.tone ?? createRingTone();
  const title = parts.title ?? createTitleFlash(doc);
  let ringing: RingingPhase = "idle";
  let caller: string | null = null;
  let closeNotification: (() => void) | null = null;

  // Only a call the user cannot see gets a system notification: the tab hidden when it starts
  // ringing, or hidden while it rings.
  function notifyIfHidden(): void {
    if (ringing !== "ringing-in" || !doc.hidden || closeNotification) return;
    closeNotification = notifyIncomingCall(caller ?? "Someone");
  }
  doc.addEventListener("visibilitychange", notifyIfHidden);

  return {
    follow(phase, peer) {
      const next = phase === "ringing-in" || phase === "ringing-out" ? phase : "idle";
      if (next === ringing) return;
      ringing = next;
      caller = peer;
      tone.stop();
      title.stop();
      closeNotification?.();
      closeNotification = null;
      if (next === "ringing-in") {
        tone.play("incoming");
        title.start(`📞 ${peer ?? "Someone"} is calling…`);
        notifyIfHidden();
      } else if (next === "ringing-out") {
        tone.play("outgoing");
      }
    },
    level: () => tone.level(),
  };
}
