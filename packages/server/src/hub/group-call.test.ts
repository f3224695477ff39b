// Issue 10: a room's group call, with plain peers.
import { describe, expect, it, vi } from "vitest";
import { hubPerTest, logIn, rejectedBy, TestPeer, thrownBy as thrown } from "../../test/support/hub-peer.js";

const fixture = hubPerTest({ maxMeshParticipants: 3 });

const join = (name: string, room?: string, modern = true) => logIn(fixture.hub, name, room, modern);

const latest = (peer: TestPeer) => peer.of("group-call").at(-1)?.participants;

describe("group call", () => {
  it("is sent at login after the history, and to everyone in the room on every join and leave, in join order", async () => {
    const a = await join("a", "team");
    expect(a.inbox.map((m) => m.type)).toEqual(["userlist", "history", "group-call", "room-state"]);
    expect(latest(a)).toEqual([]);
    const b = await join("b", "team");
    const outsider = await join("a", "other");
    await fixture.hub.groupJoin(b);
    await fixture.hub.groupJoin(a);
    expect(latest(a)).toEqual(["b", "a"]);
    expect(latest(b)).toEqual(["b", "a"]);
    const late = await join("late", "team");
    expect(latest(late)).toEqual(["b", "a"]);
    await fixture.hub.groupLeave(b);
    expect([latest(a), latest(b), latest(late)]).toEqual([["a"], ["a"], ["a"]]);
    expect(outsider.of("group-call")).toEqual([{ type: "group-call", participants: [] }]);
    expect(fixture.hub.groupCallParticipants).toBe(1);
  });

  it("joining twice or leaving when out changes nothing and sends nothing", async () => {
    const a = await join("a");
    await fixture.hub.groupJoin(a);
    const count = a.of("group-call").length;
    await fixture.hub.groupJoin(a);
    await fixture.hub.groupLeave(a);
    await fixture.hub.groupLeave(a);
    expect(a.of("group-call")).toHaveLength(count + 1);
    expect(latest(a)).toEqual([]);
  });

  it("refuses a join past the cap with group-call-full, and has room again once someone leaves", async () => {
    const peers: TestPeer[] = [];
    for (const name of ["a", "b", "c", "d"]) peers.push(await join(name, "team"));
    for (const peer of peers.slice(0, 3)) await fixture.hub.groupJoin(peer);
    const refusal = await rejectedBy(fixture.hub.groupJoin(peers[3]!));
    expect(refusal?.code).toBe("group-call-full");
    expect(refusal?.detail).toContain("All 3 places are taken");
    expect(latest(peers[3]!)).toEqual(["a", "b", "c"]);
    // Another room's call has its own places.
    await fixture.hub.groupJoin(await join("e", "other"));
    await fixture.hub.groupLeave(peers[1]!);
    await fixture.hub.groupJoin(peers[3]!);
    expect(latest(peers[0]!)).toEqual(["a", "c", "d"]);
  });

  it("loses a user who logs out at once, without waiting for the presence interval", async () => {
    const a = await join("a");
    const b = await join("b");
    await fixture.hub.groupJoin(a);
    await fixture.hub.groupJoin(b);
    fixture.hub.logout(b);
    // No timer advanced: the change went out with the logout.
    expect(latest(a)).toEqual(["a"]);
    expect(fixture.hub.groupCallParticipants).toBe(1);
  });

  it("loses a user who switches rooms, and its pairs get hang-up", async () => {
    const a = await join("a", "team");
    const b = await join("b", "team");
    await fixture.hub.groupJoin(a);
    await fixture.hub.groupJoin(b);
    fixture.hub.relay(b, { type: "video-offer", target: "a", sdp: {}, callId: "group:team:a|b" });
    b.name = await fixture.hub.switchRoom(b, "b", "elsewhere");
    expect(latest(a)).toEqual(["a"]);
    expect(a.of("hang-up")).toEqual([{ type: "hang-up", name: "b", from: "b", target: "a", reason: "gone" }]);
    expect(latest(b)).toEqual([]);
  });

  it("is not sent to the article's clients, who do not know it", async () => {
    const legacy = await join("legacy", undefined, false);
    await fixture.hub.groupJoin(await join("modern"));
    expect(legacy.of("group-call")).toEqual([]);
  });

  it("needs a login", async () => {
    expect((await rejectedBy(fixture.hub.groupJoin(new TestPeer("x", true))))?.code).toBe("not-logged-in");
  });
});

describe("untargeted call messages", () => {
  it.each(["media-state", "new-ice-candidate", "hang-up", "call-cancel"])("%s goes to the sender's call partners only", async (type) => {
    const a = await join("a");
    const b = await join("b");
    const c = await join("c");
    const bystander = await join("d");
    fixture.hub.relay(a, { type: "video-offer", target: "b", sdp: {} });
    fixture.hub.relay(a, { type: "video-offer", target: "c", sdp: {} });
    fixture.hub.relay(a, { type, audio: false, video: true, candidate: null, callId: "x" });
    expect([b.of(type).length, c.of(type).length, bystander.of(type).length, a.of(type).length]).toEqual([1, 1, 0, 0]);
  });

  it("media-state with no partner goes nowhere and is no error (a lone participant's toggle)", async () => {
    const a = await join("a");
    const b = await join("b");
    expect(thrown(() => fixture.hub.relay(a, { type: "media-state", audio: false, video: false }))).toBeUndefined();
    expect(b.of("media-state")).toEqual([]);
  });
});
