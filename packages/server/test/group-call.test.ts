// Issue 10: group calls over real sockets: join, leave, the cap, and leaving by going away.
import { CLOSE_CODES } from "@switchboard/protocol";
import { describe, expect, it } from "vitest";
import { useServer } from "./support/fixture.js";
import type { TestClient } from "./support/test-client.js";

const running = useServer();

const participants = (message: Record<string, unknown>) => message.participants as string[];
const groupCallIs = (expected: string[]) => (m: Record<string, unknown>) => JSON.stringify(participants(m)) === JSON.stringify(expected);
/** The group call as `client` last heard of it. */
const latest = (client: TestClient) => participants(client.all("group-call").at(-1) ?? { participants: undefined });

async function gauge(name: string): Promise<number> {
  const text = await (await fetch(`${running.httpUrl}/metrics`)).text();
  return Number(new RegExp(`^switchboard_${name} (\\S+)$`, "m").exec(text)?.[1]);
}

async function joinGroup(client: TestClient, ref: string): Promise<void> {
  client.send({ type: "group-join", ref });
  await client.next("ack", (m) => m.ref === ref);
}

describe("group call", () => {
  it("is announced to everyone in the room, in join order, and to a late comer at login after the history", async () => {
    await running.start();
    const a = await running.modern("a", "team");
    const b = await running.modern("b", "team");
    const outsider = await running.modern("a", "other");
    expect(participants(await a.next("group-call"))).toEqual([]);
    await joinGroup(b, "b1");
    await joinGroup(a, "a1");
    expect(latest(a)).toEqual(["b", "a"]);
    await expect.poll(() => latest(b)).toEqual(["b", "a"]);
    const late = await running.modern("late", "team");
    const types = late.received.map((m) => m.type);
    expect(types.indexOf("group-call")).toBeGreaterThan(types.indexOf("history"));
    expect(participants(await late.next("group-call"))).toEqual(["b", "a"]);
    await outsider.expectNone("group-call", (m) => participants(m).length > 0);
    expect(await gauge("group_call_participants")).toBe(2);

    b.send({ type: "group-leave", ref: "b2" });
    await b.next("ack", (m) => m.ref === "b2");
    await late.next("group-call", groupCallIs(["a"]));
    // Leaving again is a no-op, acked.
    const heard = late.all("group-call").length;
    b.send({ type: "group-leave", ref: "b3" });
    await b.next("ack", (m) => m.ref === "b3");
    await late.expectNone("group-call", (m) => late.all("group-call").indexOf(m) >= heard); // a round trip: all sent before is in
    expect(late.all("group-call")).toHaveLength(heard);
  });

  it("refuses a join past MAX_MESH_PARTICIPANTS with group-call-full and a clear message", async () => {
    await running.start({ maxMeshParticipants: 2 });
    const [a, b, c] = [await running.modern("a"), await running.modern("b"), await running.modern("c")];
    expect(a.all("welcome")[0]).toMatchObject({ limits: expect.objectContaining({ maxMeshParticipants: 2 }) });
    await joinGroup(a, "1");
    await joinGroup(b, "2");
    c.send({ type: "group-join", ref: "3" });
    const refusal = await c.next("error", (m) => m.ref === "3");
    expect(refusal.code).toBe("group-call-full");
    expect(refusal.message).toMatch(/full.*All 2 places are taken/);
    await c.expectNone("ack", (m) => m.ref === "3");
    b.send({ type: "group-leave" });
    await c.next("group-call", groupCallIs(["a"]));
    await joinGroup(c, "4");
    await a.next("group-call", groupCallIs(["a", "c"]));
  });

  it("needs a login", async () => {
    await running.start();
    const stranger = await running.connect();
    await stranger.next("id");
    stranger.send({ type: "group-join", ref: 1 });
    expect(await stranger.next("error")).toMatchObject({ code: "not-logged-in", ref: 1 });
  });

  it("loses a user who closes its tab within a second, and its partners get hang-up", async () => {
    await running.start();
    const stay = await running.modern("stay", "team");
    const go = await running.modern("go", "team");
    await joinGroup(stay, "1");
    await joinGroup(go, "2");
    await expect.poll(() => latest(stay)).toEqual(["stay", "go"]);
    go.send({ type: "video-offer", target: "stay", sdp: { type: "offer", sdp: "v=0" }, callId: "group:team:go|stay" });
    await stay.next("video-offer");
    const closedAt = Date.now();
    go.socket.close(1001, "tab closed"); // what a browser sends when its tab goes
    await stay.next("group-call", groupCallIs(["stay"]), 1000);
    expect(Date.now() - closedAt).toBeLessThan(1000);
    expect(stay.all("hang-up")).toEqual([expect.objectContaining({ from: "go", reason: "gone" })]);
    await expect.poll(() => gauge("group_call_participants")).toBe(1);
  });

  it("loses a user who logs out (normal close) or switches rooms", async () => {
    await running.start();
    const stay = await running.modern("stay", "team");
    const leaver = await running.modern("leaver", "team");
    const mover = await running.modern("mover", "team");
    for (const [client, ref] of [[stay, "1"], [leaver, "2"], [mover, "3"]] as const) await joinGroup(client, ref);
    await expect.poll(() => latest(stay)).toEqual(["stay", "leaver", "mover"]);
    leaver.socket.close(CLOSE_CODES.normalClosure);
    await stay.next("group-call", groupCallIs(["stay", "mover"]), 1000);
    mover.send({ type: "join-room", room: "elsewhere", ref: "j" });
    await mover.next("ack", (m) => m.ref === "j");
    expect(participants(await mover.next("group-call"))).toEqual([]);
    await stay.next("group-call", groupCallIs(["stay"]), 1000);
  });

  it("keeps a user whose connection dropped and who resumes: nobody sees it leave", async () => {
    await running.start();
    const stay = await running.modern("stay", "team");
    const flaky = await running.modern("flaky", "team");
    await joinGroup(stay, "1");
    await joinGroup(flaky, "2");
    await expect.poll(() => latest(stay)).toEqual(["stay", "flaky"]);
    const heard = stay.all("group-call").length;
    const welcome = flaky.all("welcome")[0]!;
    const received = flaky.received.length - flaky.received.indexOf(welcome) - 1;
    flaky.socket.terminate(); // 1006: resumable
    await flaky.closed;
    const again = await running.connect();
    await again.next("id");
    again.send({ type: "hello", protocol: 1, resume: welcome.resumeToken, received, room: "ignored-when-resumed" });
    expect(await again.next("welcome")).toMatchObject({ resumed: true, room: "team" });
    again.name = "flaky";
    // Still in the call and the room: a group message reaches it, and nobody was told otherwise.
    stay.send({ type: "media-state", target: "flaky", audio: false, video: true });
    expect(await again.next("media-state")).toMatchObject({ from: "stay", audio: false, video: true });
    await stay.expectNone("user-left");
    again.send({ type: "group-join", ref: "3" });
    await again.next("ack", (m) => m.ref === "3");
    await stay.expectNone("group-call", (m) => stay.all("group-call").indexOf(m) >= heard);
  });

  it("loses a user whose dropped session expires unresumed", async () => {
    await running.start({ resumeGraceMs: 300 });
    const stay = await running.modern("stay", "team");
    const lost = await running.modern("lost", "team");
    await joinGroup(stay, "1");
    await joinGroup(lost, "2");
    await expect.poll(() => latest(stay)).toEqual(["stay", "lost"]);
    lost.socket.terminate(); // 1006: waits to be resumed, in the call meanwhile
    await stay.next("group-call", groupCallIs(["stay"]), 5000);
    expect(await gauge("sessions_expired_total")).toBe(1);
  });

  it("relays media-state untargeted to the sender's call partners only", async () => {
    await running.start();
    const a = await running.modern("a", "team");
    const b = await running.modern("b", "team");
    const bystander = await running.modern("c", "team");
    a.send({ type: "media-state", audio: true, video: true, ref: "alone" });
    await a.next("ack", (m) => m.ref === "alone");
    a.send({ type: "video-offer", target: "b", sdp: { type: "offer", sdp: "v=0" }, callId: "group:team:a|b" });
    await b.next("video-offer");
    a.send({ type: "media-state", audio: false, video: true });
    expect(await b.next("media-state")).toEqual({ type: "media-state", audio: false, video: true, name: "a", from: "a" });
    await bystander.expectNone("media-state");
  });
});
