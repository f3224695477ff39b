import { describe, expect, it } from "vitest";
import { PresenceState } from "./presence.js";

describe("PresenceState", () => {
  it("starts from a snapshot with busy and legacy users", () => {
    const presence = new PresenceState();
    const changes = presence.apply({ type: "userlist", users: ["a", "b", "c"], busy: ["b"], legacy: ["c"] });
    expect(changes).toEqual([
      { kind: "joined", user: { name: "a", status: "available", legacy: false } },
      { kind: "joined", user: { name: "b", status: "busy", legacy: false } },
      { kind: "joined", user: { name: "c", status: "available", legacy: true } },
    ]);
    expect(presence.list().map((u) => u.name)).toEqual(["a", "b", "c"]);
  });

  it("applies ordered deltas as idempotent set operations", () => {
    const presence = new PresenceState();
    presence.apply({ type: "userlist", users: ["a", "b"] });
    // A join already in the snapshot, and a leave of someone absent, change nothing.
    expect(presence.apply({ type: "user-joined", users: ["b", "c"], legacy: ["c"] })).toEqual([
      { kind: "joined", user: { name: "c", status: "available", legacy: true } },
    ]);
    expect(presence.apply({ type: "user-left", users: ["x", "a"] })).toEqual([{ kind: "left", name: "a" }]);
    expect(presence.apply({ type: "user-status", name: "b", status: "busy" })).toEqual([{ kind: "status", name: "b", status: "busy" }]);
    expect(presence.apply({ type: "user-status", name: "b", status: "busy" })).toEqual([]);
    // A status for someone who left is stale.
    expect(presence.apply({ type: "user-status", name: "a", status: "busy" })).toEqual([]);
    expect(presence.list()).toEqual([
      { name: "b", status: "busy", legacy: false },
      { name: "c", status: "available", legacy: true },
    ]);
  });

  it("order matters: join-leave-join ends present, leave after join ends absent", () => {
    const presence = new PresenceState();
    presence.apply({ type: "user-joined", users: ["a"] });
    presence.apply({ type: "user-left", users: ["a"] });
    presence.apply({ type: "user-joined", users: ["a"] });
    expect(presence.has("a")).toBe(true);
    presence.apply({ type: "user-left", users: ["a"] });
    expect(presence.has("a")).toBe(false);
  });

  it("a later snapshot (after a reconnect) yields only the differences", () => {
    const presence = new PresenceState();
    presence.apply({ type: "userlist", users: ["a", "b", "c"], busy: ["c"] });
    const changes = presence.apply({ type: "userlist", users: ["b", "c", "d"], busy: [] });
    expect(changes).toEqual([
      { kind: "left", name: "a" },
      { kind: "status", name: "c", status: "available" },
      { kind: "joined", user: { name: "d", status: "available", legacy: false } },
    ]);
  });

  it("clear() reports everyone as gone", () => {
    const presence = new PresenceState();
    presence.apply({ type: "userlist", users: ["a", "b"] });
    expect(presence.clear()).toEqual([
      { kind: "left", name: "a" },
      { kind: "left", name: "b" },
    ]);
    expect(presence.list()).toEqual([]);
  });
});
