import { SignalingError } from "@switchboard/client";
import { describe, expect, it } from "vitest";
import { endedText } from "./ended-text.js";

describe("endedText", () => {
  it("says who removed us from which room, and why", () => {
    expect(endedText({ kind: "removed", room: "standup", by: "Ann", reason: "spam" }).text).toBe("You were removed from standup by Ann: spam");
    expect(endedText({ kind: "removed", room: "lobby", by: "Ann", reason: null }).text).toBe("You were removed from the lobby by Ann.");
    expect(endedText({ kind: "removed", room: "standup", by: null, reason: null })).toMatchObject({ action: "rooms" });
  });

  it("sends an expired sign-in back to signing in", () => {
    expect(endedText({ kind: "sign-in-required", detail: "" })).toMatchObject({ title: "Signed out", action: "sign-in" });
    const refused = new SignalingError("server", "room-locked", "The room is locked.");
    expect(endedText({ kind: "sign-in-refused", error: refused }).text).toMatch(/The room is locked/);
  });
});
