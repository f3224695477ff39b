// The domain with plain objects: no sockets, no timers but vitest's fake ones, one node on its own in-memory bus.
import { describe, expect, it, vi } from "vitest";
import { FrameParts, type Frame } from "../wire/frame.js";
import { hubPerTest, rejectedBy, TestPeer, thrownBy } from "../../test/support/hub-peer.js";

const fixture = hubPerTest({ historySize: 2 });

const decoder = new TextDecoder();

async function join(name: string, modern = false): Promise<TestPeer> {
  const peer = new TestPeer(name, modern);
  peer.name = await fixture.hub.login(peer, name);
  return peer;
}

const thrownCode = (fn: () => void) => thrownBy(fn)?.code;
const rejectedCode = async (promise: Promise<unknown>) => (await rejectedBy(promise))?.code;

describe("Hub", () => {
  it("coalesces the article's userlist: one list for a burst of joins, then throttled", async () => {
    const first = await join("a");
    for (const name of ["b", "c", "d"]) await join(name);
    vi.advanceTimersByTime(0);
    expect(first.of("userlist")).toEqual([{ type: "userlist", users: ["a", "b", "c", "d"] }]);
    await join("e");
    vi.advanceTimersByTime(50);
    expect(first.of("userlist")).toHaveLength(1);
    vi.advanceTimersByTime(50);
    expect(first.of("userlist")).toHaveLength(2);
  });

  it("sends modern clients a snapshot at login, then ordered deltas", async () => {
    const watcher = await join("w", true);
    expect(watcher.of("userlist")).toEqual([{ type: "userlist", users: ["w"], busy: [], legacy: [] }]);
    vi.advanceTimersByTime(100);
    const x = await join("x");
    await join("y", true);
    fixture.hub.logout(x);
    const x2 = new TestPeer("x2");
    x2.name = await fixture.hub.login(x2, "x");
    vi.advanceTimersByTime(100);
    expect(watcher.inbox.slice(1).filter((m) => !["userlist", "history", "group-call", "room-state"].includes(m.type as string))).toEqual([
      { type: "user-joined", users: ["w"] },
      { type: "user-joined", users: ["x", "y"], legacy: ["x"] },
      { type: "user-left", users: ["x"] },
      { type: "user-joined", users: ["x"], legacy: ["x"] },
    ]);
  });

  it("stamps the real sender on relayed messages and routes by target", async () => {
    const a = await join("a");
    const b = await join("b");
    const c = await join("c");
    fixture.hub.relay(a, { type: "video-offer", name: "c", target: "b", sdp: {} });
    expect(b.of("video-offer")).toEqual([{ type: "video-offer", name: "a", from: "a", target: "b", sdp: {} }]);
    expect(c.of("video-offer")).toEqual([]);
    expect(thrownCode(() => fixture.hub.relay(a, { type: "x", target: "nobody" }))).toBe("unknown-target");
    expect(thrownCode(() => fixture.hub.relay(a, { type: "x", target: 5 }))).toBe("invalid-message");
  });

  it("sends an untargeted call message to the partners only, and hang-up unlinks them", async () => {
    const a = await join("a");
    const b = await join("b");
    const bystander = await join("c");
    fixture.hub.relay(a, { type: "call-invite", target: "b", callId: "1" });
    fixture.hub.relay(b, { type: "new-ice-candidate", target: null, candidate: null });
    expect(a.of("new-ice-candidate")).toHaveLength(1);
    fixture.hub.relay(b, { type: "hang-up" });
    expect(a.of("hang-up")).toHaveLength(1);
    expect(bystander.inbox.filter((m) => m.type !== "userlist")).toEqual([]);
    expect(thrownCode(() => fixture.hub.relay(b, { type: "video-offer" }))).toBe("no-call");
  });

  it("hangs up on partners when a user logs out", async () => {
    const a = await join("a", true);
    const b = await join("b");
    fixture.hub.relay(a, { type: "video-offer", target: "b", sdp: {} });
    fixture.hub.logout(a);
    expect(b.of("hang-up")).toEqual([{ type: "hang-up", name: "a", from: "a", target: "b", reason: "gone" }]);
    expect(thrownCode(() => fixture.hub.relay(b, { type: "video-answer" }))).toBe("no-call");
  });

  it("escapes chat text for article clients only, and dates it by the server's clock when the sender did not", async () => {
    vi.setSystemTime(1_000_000);
    const old = await join("old");
    const modern = await join("new", true);
    await fixture.hub.chat(modern, { type: "message", text: "<b>&" });
    expect(old.of("message")).toEqual([{ type: "message", text: "&lt;b&gt;&amp;", name: "new", date: 1_000_000, seq: 1 }]);
    expect(modern.of("message")).toEqual([{ type: "message", text: "<b>&", name: "new", date: 1_000_000, seq: 1 }]);
  });

  it("numbers public chat and gives modern clients the most recent at login", async () => {
    const a = await join("a");
    for (const text of ["one", "two", "three"]) await fixture.hub.chat(a, { type: "message", text });
    await fixture.hub.chat(a, { type: "message", text: "private", target: "a" });
    expect(a.of("message").map((m) => m.seq)).toEqual([1, 2, 3, undefined]);
    const late = await join("late", true);
    expect(late.of("history")).toEqual([
      { type: "history", messages: [expect.objectContaining({ text: "two", seq: 2 }), expect.objectContaining({ text: "three", seq: 3 })] },
    ]);
    expect((await join("old")).of("history")).toEqual([]);
  });

  it("refuses everything from a peer that is not logged in", async () => {
    await join("a");
    const stranger = new TestPeer("s");
    expect(await rejectedCode(fixture.hub.chat(stranger, { type: "message", text: "x" }))).toBe("not-logged-in");
    expect(thrownCode(() => fixture.hub.relay(stranger, { type: "x" }))).toBe("not-logged-in");
    // A peer claiming a logged-in user's name is not that user.
    stranger.name = "a";
    expect(thrownCode(() => fixture.hub.relay(stranger, { type: "x" }))).toBe("not-logged-in");
    fixture.hub.logout(stranger);
    expect(fixture.hub.userCount).toBe(1);
  });

  it("builds each snapshot from the roster as it stands, after logouts and growth, without changing earlier ones", async () => {
    const frames: Frame[] = [];
    const snapshotPeer = async (name: string) => {
      const peer = new TestPeer(name, true);
      const send = peer.send.bind(peer);
      peer.send = (frame) => (frames.push(frame), send(frame));
      peer.name = await fixture.hub.login(peer, name);
      return peer;
    };
    const legacy = await join("é x");
    const a = await snapshotPeer("a");
    const earlier = JSON.parse(decoder.decode((frames[0] as FrameParts).join()));
    const many: TestPeer[] = [];
    for (let i = 0; i < 600; i++) many.push(await join(`user-with-a-long-name-${i}`));
    fixture.hub.logout(many[10]!);
    fixture.hub.setStatus(a, "busy");
    const b = await snapshotPeer("b");
    const expected = ["é x", "a", ...many.filter((_, i) => i !== 10).map((peer) => peer.name), "b"];
    expect(b.of("userlist")).toEqual([{ type: "userlist", users: expected, busy: ["a"], legacy: [legacy.name, ...many.filter((_, i) => i !== 10).map((peer) => peer.name)] }]);
    expect(JSON.parse(decoder.decode((frames[0] as FrameParts).join()))).toEqual(earlier);
    expect(earlier.users).toEqual(["é x", "a"]);
  });

  it("relays a message's own bytes with the sender stamped (name and from)", async () => {
    const a = await join("a", true);
    const b = await join("b", true);
    const text = '{"type":"video-offer","target":"b","sdp":{"x":"é\\n"}} ';
    fixture.hub.relay(a, JSON.parse(text), Buffer.from(text));
    expect(b.inbox.at(-1)).toEqual({ type: "video-offer", target: "b", sdp: { x: "é\n" }, name: "a", from: "a" });
  });

  it("announces status changes once", async () => {
    const a = await join("a", true);
    const b = await join("b", true);
    vi.advanceTimersByTime(100);
    fixture.hub.setStatus(a, "busy");
    fixture.hub.setStatus(a, "busy");
    vi.advanceTimersByTime(100);
    expect(b.of("user-status")).toEqual([{ type: "user-status", name: "a", status: "busy" }]);
  });
});
