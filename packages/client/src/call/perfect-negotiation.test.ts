import { describe, expect, it } from "vitest";
import { isOfferCollision, isPolite, shouldIgnoreOffer } from "./perfect-negotiation.js";

describe("perfect negotiation decisions", () => {
  it("gives opposite roles to the two sides, by name; always polite towards article clients", () => {
    expect(isPolite("alice", "bob", false)).toBe(true);
    expect(isPolite("bob", "alice", false)).toBe(false);
    expect(isPolite("Zed", "alice", false)).toBe(true); // Code-unit order: uppercase first.
    expect(isPolite("bob", "alice", true)).toBe(true);
  });

  const flags = (signalingState: RTCSignalingState, makingOffer = false, isSettingRemoteAnswerPending = false) => ({
    signalingState,
    makingOffer,
    isSettingRemoteAnswerPending,
  });

  it("an offer collides while we make or hold an offer of our own", () => {
    expect(isOfferCollision("offer", flags("stable"))).toBe(false);
    expect(isOfferCollision("offer", flags("stable", true))).toBe(true);
    expect(isOfferCollision("offer", flags("have-local-offer"))).toBe(true);
    // Applying the answer to our offer: we are about to be stable, so the offer is welcome.
    expect(isOfferCollision("offer", flags("have-local-offer", false, true))).toBe(false);
    expect(isOfferCollision("answer", flags("have-local-offer"))).toBe(false);
  });

  it("only the impolite side ignores a colliding offer", () => {
    expect(shouldIgnoreOffer(false, true)).toBe(true);
    expect(shouldIgnoreOffer(true, true)).toBe(false);
    expect(shouldIgnoreOffer(false, false)).toBe(false);
  });
});
