// Issue 10: rooms in the domain, with plain peers. Nothing crosses from one room to another.
import { describe, expect, it, vi } from "vitest";
import { hubPerTest, logIn, TestPeer, thrownBy } from "../../test/support/hub-peer.js";

const fixture = hubPerTest({ maxMeshParticipants: 3 });

const join = (name: string, room?: string, modern = true) => logIn(fixture.hub, name, room, modern);
const codeOf = (fn: () => void) => thrownBy(fn)?.code;

/** Who a modern peer thinks is in its room: its snapshots with the deltas applied, as the SDK does. */
function seen(peer: TestPeer): string[] {
  const names = new Set<string>();
  for (const message of peer.inbox) {
    const users = (message.users ?? []) as string[];
    if (message.type === "userlist") names.clear();
    if (message.type === "userlist" || message.type === "user-joined") for (const name of users) names.add(name);
    if (message.type === "user-left") for (const name of users) names.delete(name);
  }
  return [...names];
}

describe("rooms", () => {
  it("keep names per room: the same names in two rooms, each seeing only its own", () => {
    const samA = join("sam", "alpha");
    const samB = join("sam", "beta");
    const kimA = join("kim", "alpha");
    const kimB = join("kim", "beta");
    vi.advanceTimersByTime(100);
    expect([samA.name, samB.name, kimA.name, kimB.name]).toEqual(["sam", "sam", "kim", "kim"]);
    expect(samA.of("rejectusername")).toEqual([]);
    expect(seen(samA)).toEqual(["sam", "kim"]);
    expect(seen(samB)).toEqual(["sam", "kim"]);
    fixture.hub.logout(kimB);
    vi.advanceTimersByTime(100);
    expect(seen(samA)).toEqual(["sam", "kim"]);
    expect(seen(samB)).toEqual(["sam"]);
    expect(fixture.hub.userCount).toBe(3);
    expect(fixture.hub.roomCount).toBe(2);
  });

  it("keep chat, its history and its seq per room", () => {
    const samA = join("sam", "alpha");
    const samB = join("sam", "beta");
    fixture.hub.chat(samA, { type: "message", text: "in alpha" });
    fixture.hub.chat(samA, { type: "message", text: "again in alpha" });
    fixture.hub.chat(samB, { type: "message", text: "in beta" });
    expect(samA.of("message").map((m) => [m.text, m.seq])).toEqual([["in alpha", 1], ["again in alpha", 2]]);
    expect(samB.of("message").map((m) => [m.text, m.seq])).toEqual([["in beta", 1]]);
    const late = join("late", "beta");
    expect(late.of("history")).toEqual([{ type: "history", messages: [expect.objectContaining({ text: "in beta", seq: 1 })] }]);
  });

  it("route only inside the room: a target in another room is unknown, a name in both reaches this room's", () => {
    const samA = join("sam", "alpha");
    const kimA = join("kim", "alpha");
    const kimB = join("kim", "beta");
    join("bob", "beta");
    expect(codeOf(() => fixture.hub.relay(samA, { type: "app-note", target: "bob" }))).toBe("unknown-target");
    expect(codeOf(() => fixture.hub.chat(samA, { type: "message", text: "psst", target: "bob" }))).toBe("unknown-target");
    fixture.hub.relay(samA, { type: "video-offer", target: "kim", sdp: {} });
    expect(kimA.of("video-offer")).toHaveLength(1);
    fixture.hub.relay(samA, { type: "app-note" });
    expect(kimA.of("app-note")).toHaveLength(1);
    expect(kimB.inbox.filter((m) => !["userlist", "history", "group-call", "user-joined"].includes(m.type as string))).toEqual([]);
  });

  it("are one room for look-alike names, spelled by whoever opened it", () => {
    const first = join("a", "Team");
    join("b", "team");
    join("c", "\u0422\u0415\u0410\u041c"); // Cyrillic ТЕАМ
    expect(fixture.hub.roomCount).toBe(1);
    expect(fixture.hub.roomOf(first)).toBe("Team");
    expect(fixture.hub.spellingOf("TEAM")).toBe("Team");
    vi.advanceTimersByTime(100);
    expect(seen(first)).toEqual(["a", "b", "c"]);
  });

  it("come into being on first join and are gone, timers and history with them, when the last user leaves", () => {
    const alone = join("alone", "quiet");
    fixture.hub.chat(alone, { type: "message", text: "forgotten" });
    const other = join("other");
    expect(fixture.hub.roomCount).toBe(2);
    fixture.hub.logout(alone);
    fixture.hub.logout(other);
    expect(fixture.hub.roomCount).toBe(0);
    expect(fixture.hub.userCount).toBe(0);
    // The presence feeds' pending leaves went with their rooms.
    expect(vi.getTimerCount()).toBe(0);
    expect(fixture.hub.spellingOf("QUIET")).toBe("QUIET");
    const again = join("again", "quiet");
    expect(again.of("history")).toEqual([{ type: "history", messages: [] }]);
  });

  it("refuse bad room names", () => {
    const peer = new TestPeer("p", true);
    for (const room of ["", " lobby", "a\u200bb", "x".repeat(65), "Bоb"]) expect(codeOf(() => fixture.hub.login(peer, "p", room)), room).toBe("bad-room");
    expect(fixture.hub.roomCount).toBe(0);
    expect(join("p", "x".repeat(64)).name).toBe("p");
  });

  it("put clients that name no room, the article's among them, in the lobby", () => {
    const legacy = join("legacy", undefined, false);
    const modern = join("modern");
    const elsewhere = join("elsewhere", "alpha");
    vi.advanceTimersByTime(100);
    expect(fixture.hub.roomOf(legacy)).toBe("lobby");
    expect(seen(modern)).toEqual(["legacy", "modern"]);
    expect(seen(elsewhere)).toEqual(["elsewhere"]);
    expect(legacy.of("userlist").at(-1)).toEqual({ type: "userlist", users: ["legacy", "modern"] });
  });
});

describe("switching rooms", () => {
  it("leaves the old room (presence, calls) and logs into the new one under the name first requested", () => {
    const sam = join("sam", "alpha");
    const partner = join("partner", "alpha");
    join("sam", "beta");
    vi.advanceTimersByTime(100);
    fixture.hub.relay(sam, { type: "video-offer", target: "partner", sdp: {} });
    const acks: [string, string][] = [];
    sam.name = fixture.hub.switchRoom(sam, "sam", "BETA", (name, room) => acks.push([name, room]));
    expect(sam.name).toBe("sam1");
    expect(acks).toEqual([["sam1", "beta"]]);
    expect(fixture.hub.roomOf(sam)).toBe("beta");
    expect(partner.of("hang-up")).toEqual([{ type: "hang-up", name: "sam", from: "sam", target: "partner", reason: "gone" }]);
    vi.advanceTimersByTime(100);
    expect(seen(partner)).toEqual(["partner"]);
    expect(seen(sam)).toEqual(["sam", "sam1"]);
    expect(codeOf(() => fixture.hub.relay(sam, { type: "app-note", target: "partner" }))).toBe("unknown-target");
    // Back in alpha, the name it asked for is free again.
    sam.name = fixture.hub.switchRoom(sam, "sam", "alpha");
    expect(sam.name).toBe("sam");
    expect(fixture.hub.roomCount).toBe(2);
  });

  it("to the room it is in changes nothing", () => {
    const sam = join("sam", "alpha");
    const before = sam.inbox.length;
    const acks: [string, string][] = [];
    expect(fixture.hub.switchRoom(sam, "sam", "Alpha", (name, room) => acks.push([name, room]))).toBe("sam");
    expect(acks).toEqual([["sam", "alpha"]]);
    expect(sam.inbox.length).toBe(before);
  });

  it("answers before the new room's presence, history and group call", () => {
    const sam = join("sam", "alpha");
    let answeredAt = -1;
    fixture.hub.switchRoom(sam, "sam", "beta", () => (answeredAt = sam.inbox.length));
    expect(sam.inbox.slice(answeredAt).map((m) => m.type)).toEqual(["userlist", "history", "group-call"]);
  });

  it("closes the room it leaves empty, and refuses a bad room before leaving", () => {
    const sam = join("sam", "alpha");
    expect(codeOf(() => fixture.hub.switchRoom(sam, "sam", "  "))).toBe("bad-room");
    expect(fixture.hub.roomOf(sam)).toBe("alpha");
    fixture.hub.switchRoom(sam, "sam", "beta");
    expect(fixture.hub.roomCount).toBe(1);
    expect(codeOf(() => fixture.hub.switchRoom(new TestPeer("x", true), "x", "beta"))).toBe("not-logged-in");
  });
});
