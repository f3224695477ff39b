// Moderation between real SDK clients on a real server (open mode: the room's longest-present
// user moderates it). Group calls run on the fake RTCPeerConnection: the point is who is told
// what, and that the SDK closes what it opened.
import { describe, expect, it } from "vitest";
import type { ModeratedEvent } from "@switchboard/client";
import { FakePeerConnection } from "./support/fake-peer-connection.js";
import { joinAll, member } from "./support/group.js";
import { nextEvent, serverPerTest, until } from "./support/server.js";

describe("moderation (real server, open mode)", () => {
  const env = serverPerTest();

  async function inRoom(name: string, room = "standup", options = {}) {
    const client = env.pool.create({ room, ...options });
    await client.login(name);
    await until(client, "room-state", () => client.roomState !== null);
    return client;
  }

  it("the first user moderates; the role passes on when they leave", async () => {
    const ann = await inRoom("ann");
    const bob = await inRoom("bob");
    expect([ann.moderation.isModerator, bob.moderation.isModerator]).toEqual([true, false]);
    expect(bob.moderation.moderators).toEqual(["ann"]);
    await expect(bob.moderation.lock()).rejects.toMatchObject({ source: "server", code: "not-moderator" });
    ann.close();
    await until(bob, "room-state", () => bob.moderation.isModerator);
  });

  it("remove: the target hears who and why, then ends for good; the others see it leave", async () => {
    const ann = await inRoom("ann");
    const bob = await inRoom("bob");
    const cid = await inRoom("cid");
    const heardByBob: ModeratedEvent[] = [];
    bob.on("moderated", (event) => heardByBob.push(event));
    const cidEnded = nextEvent(cid, "ended");
    const bobSeesCidLeave = nextEvent(bob, "user-left", (name) => name === "cid");
    await ann.moderation.remove("cid", "spam");
    const [end] = await cidEnded;
    expect(end).toEqual({ kind: "removed", room: "standup", by: "ann", reason: "spam" });
    expect(cid.state).toBe("closed");
    await bobSeesCidLeave;
    expect(heardByBob).toContainEqual({ action: "remove", by: "ann", target: "cid", reason: "spam" });
  });

  it("mute goes to its target alone; lock refuses newcomers; a password keeps out those without it", async () => {
    const ann = await inRoom("ann");
    const bob = await inRoom("bob");
    const cid = await inRoom("cid");
    const cidHeard: ModeratedEvent[] = [];
    cid.on("moderated", (event) => cidHeard.push(event));
    const bobAsked = nextEvent(bob, "moderated");
    await ann.moderation.askToMute("bob");
    expect((await bobAsked)[0]).toEqual({ action: "mute", by: "ann", target: "bob", reason: null });

    await ann.moderation.lock();
    await until(bob, "room-state", () => bob.roomState?.locked === true);
    await expect(env.pool.create({ room: "standup" }).login("dave")).rejects.toMatchObject({ code: "room-locked" });
    await ann.moderation.unlock();

    await ann.moderation.setPassword("s3cret");
    await until(bob, "room-state", () => bob.roomState?.passwordProtected === true);
    await expect(env.pool.create({ room: "standup" }).login("erin")).rejects.toMatchObject({ code: "bad-password" });
    await expect(env.pool.create({ room: "standup", password: "nope" }).login("erin")).rejects.toMatchObject({ code: "bad-password" });
    const erin = env.pool.create({ room: "standup", password: "s3cret" });
    expect(await erin.login("erin")).toBe("erin");
    // Only the target heard the mute request.
    expect(cidHeard.map((event) => event.action)).not.toContain("mute");
  });

  it("end-call takes everyone out of the group call: each leaves it, its connections closed", async () => {
    FakePeerConnection.instances.length = 0;
    const members = [];
    for (const name of ["ann", "bob", "cid"]) members.push(await member(env.pool, name, "standup"));
    await joinAll(members);
    const ann = members[0]!.client;
    expect(FakePeerConnection.instances.filter((pc) => pc.connectionState !== "closed").length).toBe(6);
    await ann.moderation.endCall();
    for (const { client, events } of members) {
      await until(client, "group-call", () => client.groupCall.length === 0);
      expect(events.filter((event) => event.startsWith("left:"))).toEqual(["left:ended-by-moderator"]);
    }
    expect(FakePeerConnection.instances.every((pc) => pc.connectionState === "closed")).toBe(true);
  });
});
