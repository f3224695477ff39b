import { describe, expect, it } from "vitest";
import { compareCodePoints, isGroupCallId, isPoliteInGroup, offersTo, pairCallId } from "./group-roles.js";

describe("group-call roles", () => {
  it("orders names by code point, not UTF-16 unit", () => {
    // U+FF21 (fullwidth A) is one unit above the surrogates; U+1D400 (bold A) is two units starting 0xD835.
    const fullwidth = "\uFF21";
    const astral = "\u{1D400}";
    expect(fullwidth < astral).toBe(false); // UTF-16 order puts the astral one first...
    expect(compareCodePoints(fullwidth, astral)).toBeLessThan(0); // ...code points do not.
    expect(compareCodePoints("bob", "bobby")).toBeLessThan(0);
    expect(compareCodePoints("bob", "bob")).toBe(0);
    expect(compareCodePoints("Zed", "alice")).toBeLessThan(0);
  });

  it("gives a pair one id whichever side computes it", () => {
    expect(pairCallId("standup", "carol", "alice")).toBe("group:standup:alice|carol");
    expect(pairCallId("standup", "alice", "carol")).toBe("group:standup:alice|carol");
    expect(pairCallId("r", "\u{1D400}", "\uFF21")).toBe("group:r:\uFF21|\u{1D400}");
    expect(isGroupCallId("group:standup:alice|carol")).toBe(true);
    expect(isGroupCallId("6f1c-uuid")).toBe(false);
    expect(isGroupCallId(undefined)).toBe(false);
  });

  it("makes the later joiner offer and the higher name polite, opposite on the two sides", () => {
    const participants = ["carol", "alice", "bob"];
    expect(offersTo("alice", "carol", participants)).toBe(true);
    expect(offersTo("carol", "alice", participants)).toBe(false);
    expect(offersTo("dave", "carol", participants)).toBe(true); // Not listed yet: joins last.
    expect(isPoliteInGroup("bob", "alice")).toBe(true);
    expect(isPoliteInGroup("alice", "bob")).toBe(false);
  });
});
