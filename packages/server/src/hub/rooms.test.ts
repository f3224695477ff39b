// Issue 10: rooms in the domain, with plain peers, one node on its own in-memory bus. Nothing crosses from one room to another.
import { describe, expect, it, vi } from "vitest";
import { hubPerTest, logIn, rejectedBy, seen, TestPeer, thrownBy } from "../../test/support/hub-peer.js";

const fixture = hubPerTest({ maxMeshParticipants: 3 });

const join = (name: string, room?: string, modern = true) => logIn(fixture.hub, name, room, modern);
const codeOf = (fn: () => void) => thrownBy(fn)?.code;
const rejectedCode = async (promise: Promise<unknown>) => (await rejectedBy(promise))?.code;

describe("rooms", () => {
  it("keep names per room: the same names in two rooms, each seeing only its own", async () => {
    const samA = await join("sam", "alpha");
    const samB = await join("sam", "beta");
    const kimA = await join("kim", "alpha");
    const kimB = await join("kim", "beta");
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

  it("keep chat, its history and its seq per room", async () => {
    const samA = await join("sam", "alpha");
    const samB = await join("sam", "beta");
    await fixture.hub.chat(samA, { type: "message", text: "in alpha" });
    await fixture.hub.chat(samA, { type: "message", text: "again in alpha" });
    await fixture.hub.chat(samB, { type: "message", text: "in beta" });
    expect(samA.of("message").map((m) => [m.text, m.seq])).toEqual([["in alpha", 1], ["again in alpha", 2]]);
    expect(samB.of("message").map((m) => [m.text, m.seq])).toEqual([["in beta", 1]]);
    const late = await join("late", "beta");
    expect(late.of("history")).toEqual([{ type: "history", messages: [expect.objectContaining({ text: "in beta", seq: 1 })] }]);
  });

  it("route only inside the room: a target in another room is unknown, a name in both reaches this room's", async () => {
    const samA = await join("sam", "alpha");
    const kimA = await join("kim", "alpha");
    const kimB = await join("kim", "beta");
    await join("bob", "beta");
    expect(codeOf(() => fixture.hub.relay(samA, { type: "app-note", target: "bob" }))).toBe("unknown-target");
    expect(await rejectedCode(fixture.hub.chat(samA, { type: "message", text: "psst", target: "bob" }))).toBe("unknown-target");
    fixture.hub.relay(samA, { type: "video-offer", target: "kim", sdp: {} });
    expect(kimA.of("video-offer")).toHaveLength(1);
    fixture.hub.relay(samA, { type: "app-note" });
    expect(kimA.of("app-note")).toHaveLength(1);
    expect(kimB.inbox.filter((m) => !["userlist", "history", "group-call", "room-state", "user-joined"].includes(m.type as string))).toEqual([]);
  });

  it("are one room for look-alike names, spelled by whoever opened it", async () => {
    const first = await join("a", "Team");
    await join("b", "team");
    await join("c", "\u0422\u0415\u0410\u041c"); // Cyrillic ТЕАМ
    expect(fixture.hub.roomCount).toBe(1);
    expect(fixture.hub.roomOf(first)).toBe("Team");
    expect(fixture.hub.spellingOf("TEAM")).toBe("Team");
    vi.advanceTimersByTime(100);
    expect(seen(first)).toEqual(["a", "b", "c"]);
  });

  it("come into being on first join and are gone, timers and history with them, when the last user leaves", async () => {
    const alone = await join("alone", "quiet");
    await fixture.hub.chat(alone, { type: "message", text: "forgotten" });
    const other = await join("other");
    expect(fixture.hub.roomCount).toBe(2);
    fixture.hub.logout(alone);
    fixture.hub.logout(other);
    expect(fixture.hub.roomCount).toBe(0);
    expect(fixture.hub.userCount).toBe(0);
    // The presence feeds' pending leaves went with their rooms.
    expect(vi.getTimerCount()).toBe(0);
    expect(fixture.hub.spellingOf("QUIET")).toBe("QUIET");
    const again = await join("again", "quiet");
    expect(again.of("history")).toEqual([{ type: "history", messages: [] }]);
  });

  it("refuse bad room names", async () => {
    const peer = new TestPeer("p", true);
    for (const room of ["", " lobby", "a\u200bb", "x".repeat(65), "Bоb"]) expect(await rejectedCode(fixture.hub.login(peer, "p", room)), room).toBe("bad-room");
    expect(fixture.hub.roomCount).toBe(0);
    expect((await join("p", "x".repeat(64))).name).toBe("p");
  });

  it("put clients that name no room, the article's among them, in the lobby", async () => {
    const legacy = await join("legacy", undefined, false);
    const modern = await join("modern");
    const elsewhere = await join("elsewhere", "alpha");
    vi.advanceTimersByTime(100);
    expect(fixture.hub.roomOf(legacy)).toBe("lobby");
    expect(seen(modern)).toEqual(["legacy", "modern"]);
    expect(seen(elsewhere)).toEqual(["elsewhere"]);
    expect(legacy.of("userlist").at(-1)).toEqual({ type: "userlist", users: ["legacy", "modern"] });
  });
});

describe("switching rooms", () => {
  it("leaves the old room (presence, calls) and logs into the new one under the name first requested", async () => {
    const sam = await join("sam", "alpha");
    const partner = await join("partner", "alpha");
    await join("sam", "beta");
    vi.advanceTimersByTime(100);
    fixture.hub.relay(sam, { type: "video-offer", target: "partner", sdp: {} });
    const acks: [string, string][] = [];
    sam.name = await fixture.hub.switchRoom(sam, "sam", "BETA", { admitted: (name, room) => acks.push([name, room]) });
    expect(sam.name).toBe("sam1");
    expect(acks).toEqual([["sam1", "beta"]]);
    expect(fixture.hub.roomOf(sam)).toBe("beta");
    expect(partner.of("hang-up")).toEqual([{ type: "hang-up", name: "sam", from: "sam", target: "partner", reason: "gone" }]);
    vi.advanceTimersByTime(100);
    expect(seen(partner)).toEqual(["partner"]);
    expect(seen(sam)).toEqual(["sam", "sam1"]);
    expect(codeOf(() => fixture.hub.relay(sam, { type: "app-note", target: "partner" }))).toBe("unknown-target");
    // Back in alpha, the name it asked for is free again.
    sam.name = await fixture.hub.switchRoom(sam, "sam", "alpha");
    expect(sam.name).toBe("sam");
    expect(fixture.hub.roomCount).toBe(2);
  });

  it("to the room it is in changes nothing", async () => {
    const sam = await join("sam", "alpha");
    const before = sam.inbox.length;
    const acks: [string, string][] = [];
    expect(await fixture.hub.switchRoom(sam, "sam", "Alpha", { admitted: (name, room) => acks.push([name, room]) })).toBe("sam");
    expect(acks).toEqual([["sam", "alpha"]]);
    expect(sam.inbox.length).toBe(before);
  });

  it("answers before the new room's presence, history and group call", async () => {
    const sam = await join("sam", "alpha");
    let answeredAt = -1;
    await fixture.hub.switchRoom(sam, "sam", "beta", { admitted: () => (answeredAt = sam.inbox.length) });
    expect(sam.inbox.slice(answeredAt).map((m) => m.type)).toEqual(["userlist", "history", "group-call", "room-state"]);
  });

  it("closes the room it leaves empty, and refuses a bad room before leaving", async () => {
    const sam = await join("sam", "alpha");
    expect(await rejectedCode(fixture.hub.switchRoom(sam, "sam", "  "))).toBe("bad-room");
    expect(fixture.hub.roomOf(sam)).toBe("alpha");
    await fixture.hub.switchRoom(sam, "sam", "beta");
    expect(fixture.hub.roomCount).toBe(1);
    expect(await rejectedCode(fixture.hub.switchRoom(new TestPeer("x", true), "x", "beta"))).toBe("not-logged-in");
  });
});
