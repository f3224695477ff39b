import { describe, expect, it } from "vitest";
import { moderatedText } from "./moderated-text.js";

const event = (action: "remove" | "mute" | "lock" | "unlock" | "end-call" | "set-password", extra = {}) => ({ action, by: "Ann", target: null, reason: null, ...extra });

describe("moderatedText", () => {
  it("says who did what, with the reason of a removal", () => {
    expect(moderatedText(event("lock"), "Bob")).toBe("Ann locked the room");
    expect(moderatedText(event("unlock"), "Bob")).toBe("Ann unlocked the room");
    expect(moderatedText(event("end-call"), "Bob")).toBe("Ann ended the group call for everyone");
    expect(moderatedText(event("set-password"), "Bob")).toBe("Ann changed the room's password");
    expect(moderatedText(event("remove", { target: "Bob", reason: "spam" }), "Cid")).toBe("Bob was removed by Ann: spam");
    expect(moderatedText(event("remove", { target: "Bob" }), "Cid")).toBe("Bob was removed by Ann");
    expect(moderatedText(event("mute", { target: "Bob" }), "Bob")).toBe("Ann asked you to mute");
  });

  it("speaks to us about our own actions and our own removal", () => {
    expect(moderatedText(event("lock"), "Ann")).toBe("You locked the room");
    expect(moderatedText(event("remove", { target: "Bob", reason: "spam" }), "Ann")).toBe("Bob was removed by you: spam");
    expect(moderatedText(event("remove", { target: "Bob", reason: "spam" }), "Bob")).toBe("You were removed by Ann: spam");
  });
});
