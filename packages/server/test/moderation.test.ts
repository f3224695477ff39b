// Issue 13: moderation between real clients on real sockets (AUTH=open: the first member moderates).
import { CLOSE_CODES } from "@switchboard/protocol";
import { describe, expect, it } from "vitest";
import { useServer } from "./support/fixture.js";
import { capturedLogs } from "./support/log-capture.js";
import type { TestClient } from "./support/test-client.js";

const running = useServer();

const users = (message: Record<string, unknown>) => message.users as string[];

/** Connects, says hello (with `fields`) and tries to log in as `name`: the login's error code, or the client. */
async function tryLogin(name: string, fields: Record<string, unknown> = {}): Promise<{ client: TestClient; refused?: string }> {
  const client = await running.connect();
  await client.next("id");
  client.send({ type: "hello", protocol: 1, ...fields });
  await client.next("welcome");
  client.send({ type: "username", name, ref: "login" });
  const answer = await client.answer("login");
  return answer === "ack" ? { client } : { client, refused: answer };
}

const lastState = (client: TestClient) => client.all("room-state").at(-1);

describe("moderation", () => {
  it("gives the role to the longest-present modern user, and passes it on when that one leaves", async () => {
    await running.start();
    // The article's client cannot moderate: the first modern user does.
    await running.legacy("old");
    const ann = await running.modern("ann");
    const bob = await running.modern("bob");
    expect(lastState(ann)).toEqual({ type: "room-state", locked: false, passwordProtected: false, moderators: ["ann"] });
    expect(lastState(bob)).toMatchObject({ moderators: ["ann"] });
    expect(await bob.request({ type: "moderate", action: "end-call" })).toBe("not-moderator");
    await ann.close();
    await bob.next("room-state", (m) => (m.moderators as string[])[0] === "bob");
    expect(await bob.request({ type: "moderate", action: "end-call" })).toBe("ack");
    // The lobby, where the article's clients are, is never locked nor given a password.
    expect(await bob.request({ type: "moderate", action: "lock" })).toBe("invalid-message");
    expect(await bob.request({ type: "moderate", action: "set-password", password: "x" })).toBe("invalid-message");
  });

  it("removes a user, who is told why, is closed for good and cannot come back under that name", async () => {
    const logs = capturedLogs();
    await running.start({}, { logger: logs.logger });
    const ann = await running.modern("ann", "team");
    const bob = await running.modern("bob", "team");
    const carol = await running.modern("carol", "team");
    expect(await ann.request({ type: "moderate", action: "remove", target: "nobody" })).toBe("unknown-target");
    expect(await ann.request({ type: "moderate", action: "remove", target: "ann" })).toBe("invalid-message");
    expect(await ann.request({ type: "moderate", action: "remove" })).toBe("invalid-message");
    // Bounded fields: a reason past 200 characters, a target past 256, an unknown action.
    expect(await ann.request({ type: "moderate", action: "remove", target: "bob", reason: "x".repeat(201) })).toBe("invalid-message");
    expect(await ann.request({ type: "moderate", action: "mute", target: "b".repeat(300) })).toBe("invalid-message");
    expect(await ann.request({ type: "moderate", action: "ban", target: "bob" })).toBe("invalid-message");
    const bobWelcome = bob.all("welcome")[0]!;
    expect(await ann.request({ type: "moderate", action: "remove", target: "bob", reason: "spam" })).toBe("ack");
    const notice = { type: "moderated", action: "remove", by: "ann", target: "bob", reason: "spam" };
    expect(await bob.next("moderated")).toEqual(notice);
    expect(await bob.closed).toEqual({ code: CLOSE_CODES.removed, reason: expect.stringContaining("moderator") });
    expect(await carol.next("moderated")).toEqual(notice);
    await carol.next("user-left", (m) => users(m).includes("bob"));
    expect(logs.lines).toContainEqual(expect.objectContaining({ msg: "moderation", action: "remove", by: "ann", target: "bob", room: "team", reason: "spam" }));
    expect(logs.lines).toContainEqual(expect.objectContaining({ msg: "moderation refused", action: "remove", by: "ann", refused: "unknown-target" }));

    // Its session is over: resuming it gives a fresh one, and its name stays out of the room.
    const back = await running.connect();
    await back.next("id");
    back.send({ type: "hello", protocol: 1, room: "team", resume: bobWelcome.resumeToken, received: 0 });
    expect(await back.next("welcome")).toMatchObject({ resumed: false });
    back.send({ type: "username", name: "BOB", ref: "login" });
    expect(await back.next("error", (m) => m.ref === "login")).toMatchObject({ code: "room-locked", message: expect.stringContaining("removed") });
    expect(logs.lines).toContainEqual(expect.objectContaining({ msg: "sign-in refused", code: "room-locked" }));
  });

  it("asks one user to mute, telling nobody else", async () => {
    await running.start();
    const ann = await running.modern("ann");
    const bob = await running.modern("bob");
    const carol = await running.modern("carol");
    expect(await ann.request({ type: "moderate", action: "mute", target: "bob" })).toBe("ack");
    expect(await bob.next("moderated")).toEqual({ type: "moderated", action: "mute", by: "ann", target: "bob" });
    await carol.expectNone("moderated");
    expect(await bob.request({ type: "moderate", action: "mute", target: "carol" })).toBe("not-moderator");
  });

  it("locks a room against new logins and room switches, and unlocks it", async () => {
    await running.start();
    const ann = await running.modern("ann", "team");
    const bob = await running.modern("bob", "team");
    const eve = await running.modern("eve", "elsewhere");
    expect(await ann.request({ type: "moderate", action: "lock" })).toBe("ack");
    // The state first (as every node gets it from the store), then who changed it.
    expect(await bob.next("room-state", (m) => m.locked === true)).toMatchObject({ moderators: ["ann"] });
    expect(await bob.next("moderated")).toEqual({ type: "moderated", action: "lock", by: "ann" });
    expect((await tryLogin("dan", { room: "team" })).refused).toBe("room-locked");
    eve.send({ type: "join-room", room: "TEAM", ref: "switch" });
    expect(await eve.next("error", (m) => m.ref === "switch")).toMatchObject({ code: "room-locked" });
    // Refused, eve is still where she was.
    eve.send({ type: "message", text: "still here", ref: "chat" });
    await eve.next("ack", (m) => m.ref === "chat");
    expect(await ann.request({ type: "moderate", action: "unlock" })).toBe("ack");
    await bob.next("room-state", (m) => m.locked === false);
    expect((await tryLogin("dan", { room: "team" })).refused).toBeUndefined();
  });

  it("sets a room password that new logins must give, and clears it", async () => {
    await running.start();
    const ann = await running.modern("ann", "team");
    const team = { room: "team" };
    expect(await ann.request({ type: "moderate", action: "set-password" })).toBe("invalid-message");
    expect(await ann.request({ type: "moderate", action: "set-password", password: "correct horse" })).toBe("ack");
    expect(await ann.next("room-state", (m) => m.passwordProtected === true)).toBeTruthy();
    expect((await tryLogin("bob", team)).refused).toBe("bad-password");
    expect((await tryLogin("bob", { ...team, password: "wrong" })).refused).toBe("bad-password");
    expect((await tryLogin("bob", { ...team, password: "correct horse" })).refused).toBeUndefined();
    // A room switch with the wrong password leaves the user where it was.
    const eve = await running.modern("eve", "elsewhere");
    eve.send({ type: "join-room", room: "team", password: "guess", ref: "switch" });
    expect(await eve.next("error", (m) => m.ref === "switch")).toMatchObject({ code: "bad-password" });
    eve.send({ type: "join-room", room: "team", password: "correct horse", ref: "switch2" });
    expect(await eve.next("ack", (m) => m.ref === "switch2")).toMatchObject({ room: "team" });
    expect(await ann.request({ type: "moderate", action: "set-password", password: null })).toBe("ack");
    await ann.next("room-state", (m) => m.passwordProtected === false);
    expect((await tryLogin("carol", team)).refused).toBeUndefined();
  });

  it("ends the room's group call for everyone in it", async () => {
    await running.start();
    const ann = await running.modern("ann");
    const bob = await running.modern("bob");
    const carol = await running.modern("carol");
    for (const client of [ann, bob]) {
      client.send({ type: "group-join", ref: "join" });
      await client.next("ack", (m) => m.ref === "join");
    }
    await carol.next("group-call", (m) => (m.participants as string[]).length === 2);
    expect(await ann.request({ type: "moderate", action: "end-call" })).toBe("ack");
    for (const client of [ann, bob, carol]) {
      expect(await client.next("moderated")).toEqual({ type: "moderated", action: "end-call", by: "ann" });
      await client.next("group-call", (m) => (m.participants as string[]).length === 0);
    }
  });
});
