// Issue 10: rooms over real sockets. The same names in two rooms, and nothing crosses.
import { describe, expect, it } from "vitest";
import { TestClient } from "./support/test-client.js";
import { useServer } from "./support/fixture.js";

const running = useServer();

const names = (message: Record<string, unknown>) => message.users as string[];

/** A gauge's value on /metrics. */
async function gauge(name: string): Promise<number> {
  const text = await (await fetch(`${running.httpUrl}/metrics`)).text();
  return Number(new RegExp(`^switchboard_${name} (\\S+)$`, "m").exec(text)?.[1]);
}

/** Connected and said hello (in `room`, if given), not logged in. */
async function greeted(room?: string): Promise<TestClient> {
  const client = await running.connect();
  await client.next("id");
  client.send(room === undefined ? { type: "hello", protocol: 1 } : { type: "hello", protocol: 1, room });
  return client;
}

describe("rooms", () => {
  it("isolate presence, chat, history and routing between rooms holding the same names", async () => {
    await running.start();
    const samA = await running.modern("sam", "alpha");
    const kimA = await running.modern("kim", "alpha");
    const samB = await running.modern("sam", "beta");
    const kimB = await running.modern("kim", "beta");
    const bob = await running.modern("bob", "beta");
    expect([samA.name, kimA.name, samB.name, kimB.name]).toEqual(["sam", "kim", "sam", "kim"]);
    expect(samA.all("welcome")[0]).toMatchObject({ room: "alpha" });
    await samB.next("user-joined", (m) => names(m).includes("bob"));

    // Presence: each room's own.
    expect(names(kimA.all("userlist")[0]!)).toEqual(["sam", "kim"]);
    expect(names(bob.all("userlist")[0]!)).toEqual(["sam", "kim", "bob"]);

    // Chat and its numbering.
    samA.send({ type: "message", text: "alpha one" });
    samB.send({ type: "message", text: "beta one" });
    samB.send({ type: "message", text: "beta two" });
    expect(await kimA.next("message")).toMatchObject({ name: "sam", text: "alpha one", seq: 1 });
    expect(await kimB.next("message", (m) => m.seq === 2)).toMatchObject({ text: "beta two" });
    await kimA.expectNone("message", (m) => String(m.text).startsWith("beta"));

    // History: a late comer gets its room's.
    const late = await running.modern("late", "alpha");
    expect((await late.next("history")).messages).toEqual([expect.objectContaining({ text: "alpha one", seq: 1 })]);

    // Routing: a name in both rooms is this room's; a name only in the other is unknown here.
    samA.send({ type: "app-note", target: "kim", n: 1 });
    expect(await kimA.next("app-note")).toMatchObject({ from: "sam", n: 1 });
    await kimB.expectNone("app-note");
    samA.send({ type: "app-note", target: "bob", ref: "r1" });
    expect(await samA.next("error", (m) => m.ref === "r1")).toMatchObject({ code: "unknown-target" });
    await bob.expectNone("app-note");
    samA.send({ type: "broadcast-note" });
    await kimA.next("broadcast-note");
    await samB.expectNone("broadcast-note");
  });

  it("come into being with their first user and vanish with their last", async () => {
    await running.start();
    expect(await gauge("rooms")).toBe(0);
    const a = await running.modern("a", "alpha");
    const b = await running.modern("b", "beta");
    const lobby = await running.legacy("c");
    expect(await gauge("rooms")).toBe(3);
    a.send({ type: "message", text: "said in alpha" });
    await a.next("message");
    await a.close();
    await b.close();
    await expect.poll(() => gauge("rooms")).toBe(1);
    await lobby.close();
    await expect.poll(() => gauge("rooms")).toBe(0);
    // Gone with its history: a new alpha starts afresh.
    const again = await running.modern("a", "alpha");
    expect((await again.next("history")).messages).toEqual([]);
  });

  it("are one room for look-alike names, spelled as it was opened", async () => {
    await running.start();
    const first = await running.modern("a", "Team");
    const second = await running.modern("b", "TEAM");
    const third = await running.modern("c", "\u0422\u0415\u0410\u041c"); // Cyrillic ТЕАМ
    expect(second.all("welcome")[0]).toMatchObject({ room: "Team" });
    expect(third.all("welcome")[0]).toMatchObject({ room: "Team" });
    await first.next("user-joined", (m) => names(m).includes("c"));
    expect(await gauge("rooms")).toBe(1);
  });

  it("refuse bad room names in hello and join-room, leaving the session where it was", async () => {
    await running.start();
    for (const room of ["", " x", "a\u200bb", "x".repeat(65), "B\u043eb", "../etc"]) {
      const client = await running.connect();
      await client.next("id");
      client.send({ type: "hello", protocol: 1, room, ref: "h" });
      expect(await client.next("error"), room).toMatchObject({ code: "bad-room", ref: "h" });
      client.send({ type: "join-room", room, ref: "j" });
      expect(await client.next("error", (m) => m.ref === "j"), room).toMatchObject({ code: "bad-room" });
    }
    const sam = await running.modern("sam", "alpha");
    sam.send({ type: "join-room", room: 7, ref: "n" });
    expect(await sam.next("error", (m) => m.ref === "n")).toMatchObject({ code: "invalid-message" });
    sam.send({ type: "join-room", room: "", ref: "e" });
    expect(await sam.next("error", (m) => m.ref === "e")).toMatchObject({ code: "bad-room" });
    sam.send({ type: "message", text: "still here" });
    await sam.next("message", (m) => m.text === "still here");
  });

  it("keep the article's clients in the lobby, with the modern clients that name no room", async () => {
    await running.start();
    const modern = await running.modern("modern");
    const elsewhere = await running.modern("elsewhere", "alpha");
    const article = await running.legacy("article");
    expect(modern.all("welcome")[0]).toMatchObject({ room: "lobby" });
    await modern.next("user-joined", (m) => names(m).includes("article"));
    expect(names(article.all("userlist").at(-1)!)).toEqual(["modern", "article"]);
    article.send({ type: "message", text: "hello lobby" });
    await modern.next("message", (m) => m.text === "hello lobby");
    await elsewhere.expectNone("message");
    await elsewhere.expectNone("user-joined", (m) => names(m).includes("article"));
    // The lobby is a room like any: /r/lobby or join-room "lobby" open it.
    const joiner = await running.modern("joiner", "Lobby");
    expect(joiner.all("welcome")[0]).toMatchObject({ room: "lobby" });
    await article.next("userlist", (m) => names(m).includes("joiner"));
  });
});

describe("join-room", () => {
  it("before login chooses the room to log into", async () => {
    await running.start();
    const kim = await running.modern("kim", "beta");
    const sam = await greeted();
    expect(await sam.next("welcome")).toMatchObject({ room: "lobby" });
    sam.send({ type: "join-room", room: "BETA", ref: 1 });
    expect(await sam.next("ack")).toEqual({ type: "ack", ref: 1, room: "beta" });
    sam.send({ type: "username", name: "sam", ref: 2 });
    expect(await sam.next("ack")).toEqual({ type: "ack", ref: 2, name: "sam" });
    await kim.next("user-joined", (m) => names(m).includes("sam"));
  });

  it("after login moves the user: left in the old room, the new room's presence, history and group call, under its requested name", async () => {
    await running.start();
    const sam = await running.modern("sam", "alpha");
    const watcher = await running.modern("watcher", "alpha");
    const otherSam = await running.modern("sam", "beta");
    otherSam.send({ type: "message", text: "before you came" });
    await otherSam.next("message");
    await watcher.next("user-joined", (m) => names(m).includes("watcher"));

    const mark = sam.received.length;
    sam.send({ type: "join-room", room: "beta", ref: "j1" });
    expect(await sam.next("ack", (m) => m.ref === "j1")).toEqual({ type: "ack", ref: "j1", name: "sam1", room: "beta" });
    await sam.next("group-call");
    // The answer first, then the new room as at login (its deltas may follow).
    expect(sam.received.slice(mark, mark + 5).map((m) => m.type)).toEqual(["ack", "rejectusername", "userlist", "history", "group-call"]);
    expect(names(sam.all("userlist").at(-1)!)).toEqual(["sam", "sam1"]);
    expect(sam.all("history").at(-1)!.messages).toEqual([expect.objectContaining({ text: "before you came" })]);
    expect(await watcher.next("user-left")).toEqual({ type: "user-left", users: ["sam"] });
    await otherSam.next("user-joined", (m) => names(m).includes("sam1"));

    // It speaks in its new room only, as its new name.
    sam.send({ type: "message", text: "hi beta" });
    expect(await otherSam.next("message", (m) => m.text === "hi beta")).toMatchObject({ name: "sam1" });
    await watcher.expectNone("message", (m) => m.text === "hi beta");

    // Back in alpha the name it asked for is free again.
    sam.send({ type: "join-room", room: "alpha", ref: "j2" });
    expect(await sam.next("ack", (m) => m.ref === "j2")).toEqual({ type: "ack", ref: "j2", name: "sam", room: "alpha" });
    await watcher.next("user-joined", (m) => names(m).includes("sam"));
  });

  it("hangs up a call in progress in the old room: the partner gets hang-up", async () => {
    await running.start();
    const caller = await running.modern("caller", "alpha");
    const callee = await running.legacy("callee");
    caller.send({ type: "join-room", room: "lobby", ref: "in" });
    await caller.next("ack", (m) => m.ref === "in");
    caller.send({ type: "video-offer", target: "callee", sdp: { type: "offer", sdp: "v=0" } });
    await callee.next("video-offer");
    caller.send({ type: "join-room", room: "elsewhere", ref: "out" });
    await caller.next("ack", (m) => m.ref === "out");
    expect(await callee.next("hang-up")).toEqual({ type: "hang-up", name: "caller", from: "caller", target: "callee", reason: "gone" });
    await callee.next("userlist", (m) => !names(m).includes("caller"));
    caller.send({ type: "new-ice-candidate", candidate: null, ref: "ice" });
    expect(await caller.next("error", (m) => m.ref === "ice")).toMatchObject({ code: "no-call" });
  });

  it("to its own room changes nothing but answers", async () => {
    await running.start();
    const sam = await running.modern("sam", "alpha");
    sam.send({ type: "join-room", room: "ALPHA", ref: 1 });
    expect(await sam.next("ack")).toEqual({ type: "ack", ref: 1, name: "sam", room: "alpha" });
    await sam.expectNone("userlist", (m) => m !== sam.all("userlist")[0]);
  });
});
