import { describe, expect, it } from "vitest";
import { createRinging } from "./ringing.js";
import type { RingKind, RingTone } from "./ring-tone.js";
import { createTitleFlash } from "./title-flash.js";

function fakeTone(): RingTone & { playing: RingKind | null } {
  const tone = {
    playing: null as RingKind | null,
    play(kind: RingKind) {
      tone.playing = kind;
    },
    stop() {
      tone.playing = null;
    },
    level: () => (tone.playing ? 0.2 : 0),
  };
  return tone;
}

/** A document whose visibility the test sets. */
function fakeDocument(): Document & { setHidden(hidden: boolean): void } {
  const target = new EventTarget();
  let hidden = false;
  Object.defineProperty(target, "hidden", { get: () => hidden });
  return Object.assign(target, {
    title: "standup · Switchboard",
    setHidden(next: boolean) {
      hidden = next;
      target.dispatchEvent(new Event("visibilitychange"));
    },
  }) as unknown as Document & { setHidden(hidden: boolean): void };
}

describe("ringing", () => {
  it("rings for incoming calls, rings back for outgoing ones, and stops on any other phase", () => {
    const tone = fakeTone();
    const ringing = createRinging({ tone, doc: fakeDocument() });
    ringing.follow("ringing-in", "alice");
    expect(tone.playing).toBe("incoming");
    ringing.follow("connecting", "alice");
    expect(tone.playing).toBeNull();
    ringing.follow("ringing-out", "bob");
    expect(tone.playing).toBe("outgoing");
    expect(ringing.level()).toBeGreaterThan(0);
    ringing.follow("idle", null);
    expect(tone.playing).toBeNull();
    expect(ringing.level()).toBe(0);
  });
});

describe("title flash", () => {
  it("flashes only while the page is hidden, and gives the title back", async () => {
    const doc = fakeDocument();
    const flash = createTitleFlash(doc);
    flash.start("📞 alice is calling…");
    expect(doc.title).toBe("standup · Switchboard");
    doc.setHidden(true);
    expect(doc.title).toBe("📞 alice is calling…");
    doc.setHidden(false);
    expect(doc.title).toBe("standup · Switchboard");
    doc.setHidden(true);
    flash.stop();
    expect(doc.title).toBe("standup · Switchboard");
  });
});
