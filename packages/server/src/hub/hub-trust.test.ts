// Issue 9, points 2 and 4: nobody speaks as the server; chat and history cannot be poisoned.
import { SERVER_MESSAGE_TYPES } from "@switchboard/protocol";
import { describe, expect, it } from "vitest";
import { FrameParts } from "../wire/frame.js";
import { hubPerTest, logIn, rejectedBy, TestPeer, thrownBy as thrown } from "../../test/support/hub-peer.js";

const HISTORY_MAX_BYTES = 4096;
const fixture = hubPerTest({ presenceIntervalMs: 0, historySize: 100, historyMaxBytes: HISTORY_MAX_BYTES, maxChatTextLength: 100 });
const join = (name: string, modern = true) => logIn(fixture.hub, name, undefined, modern);

describe("reserved types", () => {
  it.each([...SERVER_MESSAGE_TYPES])("never relays %j, targeted or not, and sends nothing", async (type) => {
    const mallory = await join("mallory");
    const victim = await join("victim");
    const legacy = await join("legacy", false);
    const before = [victim.inbox.length, legacy.inbox.length, mallory.inbox.length];
    for (const target of ["victim", "legacy", undefined]) {
      expect(thrown(() => fixture.hub.relay(mallory, { type, target, code: "x", message: "forged", users: [] }))?.code).toBe("reserved-type");
    }
    expect([victim.inbox.length, legacy.inbox.length, mallory.inbox.length]).toEqual(before);
  });

  it("stamps from and name over whatever the sender put there", async () => {
    const mallory = await join("mallory");
    const victim = await join("victim");
    const text = '{"type":"app-note","target":"victim","name":"server","from":"server"}';
    fixture.hub.relay(mallory, JSON.parse(text), Buffer.from(text));
    expect(victim.of("app-note")).toEqual([{ type: "app-note", target: "victim", name: "mallory", from: "mallory" }]);
  });
});

describe("chat", () => {
  it("delivers only the fields chat defines", async () => {
    const alice = await join("alice");
    const legacy = await join("legacy", false);
    let deep: unknown = 1;
    for (let i = 0; i < 5000; i++) deep = { deep };
    await fixture.hub.chat(alice, { type: "message", text: "hi", extra: deep, seq: 99, from: "server", id: 5 } as never);
    await fixture.hub.chat(alice, { type: "message", text: "psst", target: "legacy", extra: deep } as never);
    const expected = { type: "message", name: "alice", text: "hi", date: Date.now(), seq: 1 };
    expect(alice.of("message")).toEqual([expected]);
    expect(legacy.of("message")).toEqual([expected, { type: "message", name: "alice", text: "psst", date: Date.now(), target: "legacy" }]);
    // And logins after it get a history they can read.
    expect((await join("late")).of("history")).toEqual([{ type: "history", messages: [expected] }]);
  });

  it("refuses text longer than the limit, public or private, and sends nothing", async () => {
    const alice = await join("alice");
    const bob = await join("bob");
    expect((await rejectedBy(fixture.hub.chat(alice, { type: "message", text: "x".repeat(101) })))?.code).toBe("text-too-long");
    expect((await rejectedBy(fixture.hub.chat(alice, { type: "message", text: "x".repeat(101), target: "bob" })))?.code).toBe("text-too-long");
    expect(bob.of("message")).toEqual([]);
    await fixture.hub.chat(alice, { type: "message", text: "x".repeat(100) });
    expect(bob.of("message")).toHaveLength(1);
  });

  it("bounds the history in bytes as well as in count, dropping the oldest", async () => {
    const alice = await join("alice");
    for (let i = 0; i < 200; i++) await fixture.hub.chat(alice, { type: "message", text: `${i}`.padEnd(100, "x") });
    const [history] = (await join("late")).of("history");
    const bytes = new TextEncoder().encode(JSON.stringify(history)).byteLength;
    expect(bytes).toBeLessThanOrEqual(HISTORY_MAX_BYTES + 64);
    const messages = (history as { messages: { seq: number }[] }).messages;
    expect(messages.length).toBeGreaterThan(10);
    expect(messages.at(-1)!.seq).toBe(200);
    expect(messages.map((m) => m.seq)).toEqual(messages.map((_, i) => 201 - messages.length + i));
  });
});

describe("login", () => {
  it("is all or nothing: a failure after the name was taken gives the name back", async () => {
    await join("watcher");
    const broken = new TestPeer("broken", true);
    broken.send = (frame) => {
      if (typeof frame !== "string" && !(frame instanceof FrameParts)) throw new Error("history frame failed");
    };
    await expect(fixture.hub.login(broken, "alice")).rejects.toThrow("history frame failed");
    expect(fixture.hub.userCount).toBe(1);
    // The name is free, and presence never announced the half-done login.
    const alice = await join("alice");
    expect(alice.name).toBe("alice");
    expect(alice.of("rejectusername")).toEqual([]);
  });
});
