// GroupCall over the real server, three to five users per room, RTCPeerConnection faked (see
// support/fake-peer-connection.ts): the mesh's roles and pair ids, leaving, late joiners, two
// rooms with the same names, the cap, room switches, busy for 1:1 calls, a dropped socket, and
// a server restart (a new server on the same port: fresh sessions, no group call).
import { CallManager, GroupCall, SignalingError } from "@switchboard/client";
import { WebSocket } from "ws";
import { describe, expect, it, vi } from "vitest";
import { FakePeerConnection } from "./support/fake-peer-connection.js";
import { joinAll, meshConnected, member, type Member } from "./support/group.js";
import { endsWith } from "./support/phones.js";
import { nextEvent, restartOnSamePort, serverPerTest, startServer, until } from "./support/server.js";


const env = serverPerTest({ maxMeshParticipants: 4 }, () => {
  FakePeerConnection.instances.length = 0;
});
const { pool } = env;

const people = (room: string, names: string[], options = {}) => Promise.all(names.map((name) => member(pool, name, room, options)));
const sorted = (names: readonly string[]) => [...names].sort().join();
/** What a member's GroupCall emitted since `from`, its `participants` updates aside. */
const newsSince = (m: Member, from: number) => m.events.slice(from).filter((event) => !event.startsWith("participants:"));
/** Offers the fake peer connections took, all together. */
const remoteOffers = () => FakePeerConnection.instances.reduce((n, pc) => n + pc.log.filter((entry) => entry === "remote:offer").length, 0);

/** Each member is in the new server's call again, as it sees it itself. */
async function backInCall(members: Member[], everyone: string[]): Promise<void> {
  for (const { client, group } of members) {
    await vi.waitFor(() => expect(sorted(group.participants), `${client.name}'s view of the call`).toBe(sorted(everyone)), { timeout: 5_000 });
  }
}

describe("GroupCall: a room's mesh", () => {
  it("connects every pair of four; the later joiner offers, pair ids are group:<room>:<a>|<b>", async () => {
    const members = await people("standup", ["dana", "bob", "carol", "alice"]);
    const offers: string[] = [];
    for (const m of members) {
      m.client.on("signal", (message) => {
        if (message.type === "video-offer") offers.push(`${message.from}->${m.client.name}:${String(message.callId)}`);
      });
    }
    await joinAll(members);
    expect(members.map((m) => m.group.participants)).toEqual(Array(4).fill(["dana", "bob", "carol", "alice"]));
    // Each pair's first offer comes from the one who joined later.
    expect(offers.sort()).toEqual(
      [
        "alice->bob:group:standup:alice|bob",
        "alice->carol:group:standup:alice|carol",
        "alice->dana:group:standup:alice|dana",
        "bob->dana:group:standup:bob|dana",
        "carol->bob:group:standup:bob|carol",
        "carol->dana:group:standup:carol|dana",
      ].sort(),
    );
    for (const m of members) expect(m.group.joined).toBe(true);
    // Joined: busy for everyone in the room.
    await until(members[0]!.client, "user-status", () => members.every((m) => members[0]!.client.user(m.client.name!)?.status === "busy"));
  });

  it("drops one who leaves from everyone else at once; the rest stay connected", async () => {
    const members = await people("standup", ["alice", "bob", "carol", "dana"]);
    await joinAll(members);
    const [alice, bob, carol, dana] = members as [Member, Member, Member, Member];
    const dropped = members.slice(0, 3).map((m) => new Promise<string>((resolve) => m.group.on("peer-left", resolve)));
    dana.group.leave();
    expect(dana.group.joined).toBe(false);
    expect(dana.group.peers.size).toBe(0);
    expect(dana.events.slice(-4)).toEqual(["peer-left:alice", "peer-left:bob", "peer-left:carol", "left:left"]);
    expect(await Promise.all(dropped)).toEqual(["dana", "dana", "dana"]);
    await until(alice.client, "group-call", () => alice.group.participants.join() === "alice,bob,carol");
    await meshConnected([alice, bob, carol]);
    // dana sees the call go on without her and is available again.
    await until(dana.client, "group-call", () => dana.group.participants.join() === "alice,bob,carol");
    await until(alice.client, "user-status", () => alice.client.user("dana")?.status === "available");
  });

  it("drops one whose client is gone (the tab closed) from everyone else", async () => {
    const members = await people("standup", ["alice", "bob", "carol"]);
    await joinAll(members);
    const [alice, bob, carol] = members as [Member, Member, Member];
    const dropped = [alice, bob].map((m) => new Promise<string>((resolve) => m.group.on("peer-left", resolve)));
    carol.client.close();
    expect(carol.events.at(-1)).toBe("left:signaling-lost");
    expect(await Promise.all(dropped)).toEqual(["carol", "carol"]);
    expect([...alice.group.peers.keys()]).toEqual(["bob"]);
  });

  it("connects a late joiner to everyone already in the call", async () => {
    const members = await people("standup", ["alice", "bob", "carol"]);
    await joinAll(members);
    const late = await member(pool, "erin", "standup");
    expect(late.group.participants).toEqual(["alice", "bob", "carol"]);
    await late.group.join();
    await meshConnected([...members, late]);
    for (const m of members) expect(m.events).toContain("peer-joined:erin");
  });

  it("keeps two rooms with the same names apart", async () => {
    const red = await people("red", ["alice", "bob", "carol"]);
    const blue = await people("blue", ["alice", "bob", "carol"]);
    await Promise.all([joinAll(red), joinAll(blue)]);
    for (const m of [...red, ...blue]) expect(m.group.participants).toEqual(["alice", "bob", "carol"]);
    const blueEvents = blue.map((m) => m.events.length);
    red[2]!.group.leave();
    await until(red[0]!.client, "group-call", () => red[0]!.group.participants.join() === "alice,bob");
    await meshConnected(red.slice(0, 2));
    // A chat in blue after red's change: once it is there, blue would have had red's news.
    const markers = blue.map((m) => nextEvent(m.client, "chat"));
    await blue[0]!.client.chat("marker");
    await Promise.all(markers);
    expect(blue.map((m) => m.events.length)).toEqual(blueEvents);
    await meshConnected(blue);
  });

  it("refuses a join past the cap with group-call-full, from the server too", async () => {
    const members = await people("standup", ["alice", "bob", "carol", "dana", "erin", "fay"]);
    await joinAll(members.slice(0, 3));
    const [, , , dana, erin, fay] = members as Member[];
    // Both see room for one more: the server takes one and refuses the other.
    await until(fay!.client, "group-call", () => fay!.group.participants.length === 3);
    await until(erin!.client, "group-call", () => erin!.group.participants.length === 3);
    const results = await Promise.allSettled([erin!.group.join(), fay!.group.join()]);
    const refused = results.filter((result) => result.status === "rejected");
    expect(refused).toHaveLength(1);
    expect((refused[0] as PromiseRejectedResult).reason).toMatchObject({ source: "server", code: "group-call-full" });
    // Known full: refused before asking.
    await until(dana!.client, "group-call", () => dana!.group.participants.length === 4);
    const error = await dana!.group.join().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SignalingError);
    expect(error).toMatchObject({ code: "group-call-full" });
    expect(dana!.group.joined).toBe(false);
  });

  it("ends the stay at a room switch: the old room drops us, the new room's call is another one", async () => {
    const red = await people("red", ["alice", "bob", "carol"]);
    const blue = await people("blue", ["dana", "erin"]);
    await Promise.all([joinAll(red), joinAll(blue)]);
    const carol = red[2]!;
    const dropped = red.slice(0, 2).map((m) => new Promise<string>((resolve) => m.group.on("peer-left", resolve)));
    const moved = await carol.client.joinRoom("blue");
    expect(moved).toEqual({ room: "blue", name: "carol" });
    expect(carol.events).toContain("left:room-changed");
    expect(await Promise.all(dropped)).toEqual(["carol", "carol"]);
    await until(carol.client, "group-call", () => carol.group.participants.join() === "dana,erin");
    expect(carol.client.users.map((user) => user.name).sort()).toEqual(["carol", "dana", "erin"]);
    await carol.group.join();
    await meshConnected([blue[0]!, blue[1]!, carol]);
  });
});

describe("GroupCall and 1:1 calls", () => {
  it("a participant is busy: an invite is declined busy; after leaving, a 1:1 call rings again", async () => {
    const [alice, bob] = await people("standup", ["alice", "bob"]);
    await joinAll([alice!, bob!]);
    const carol = await member(pool, "carol", "standup");
    const calls = new CallManager(carol.client, { RTCPeerConnection: FakePeerConnection as never });
    const bobCalls = new CallManager(bob!.client, { RTCPeerConnection: FakePeerConnection as never });
    expect(await endsWith(calls.call("bob"))).toBe("busy");
    expect(() => bobCalls.call("carol")).toThrow(/group call/);
    await expect(carol.group.join()).resolves.toBeUndefined();
    carol.group.leave();
    bob!.group.leave();
    const ringing = new Promise((resolve) => bobCalls.on("incoming-call", resolve));
    calls.call("bob");
    await ringing;
    await expect(alice!.group.join()).resolves.toBeUndefined(); // Already in: the same stay.
    calls.dispose();
    bobCalls.dispose();
  });
});

describe("GroupCall across a dropped connection", () => {
  it("resumes: nobody drops out, the pairs renegotiate through the resumed session", async () => {
    const sockets: WebSocket[] = [];
    class TrackedWebSocket extends WebSocket {
      constructor(url: string, protocols?: string | string[]) {
        super(url, protocols);
        sockets.push(this);
      }
    }
    class CarolsPeerConnection extends FakePeerConnection {}
    const [alice, bob] = await people("standup", ["alice", "bob"]);
    const carolClient = pool.create({ room: "standup", WebSocket: TrackedWebSocket });
    await carolClient.login("carol");
    const carolGroup = new GroupCall(carolClient, { RTCPeerConnection: CarolsPeerConnection as never });
    const carol: Member = { client: carolClient, group: carolGroup, events: [] };
    carolGroup.on("left", (reason) => carol.events.push(`left:${reason}`));
    await joinAll([alice!, bob!, carol]);
    const resumed = nextEvent(carolClient, "welcome");
    sockets.at(-1)!.terminate();
    expect((await resumed)[0].resumed).toBe(true);
    await until(carolClient, "state", () => carolClient.state === "open");
    expect(carol.events).toEqual([]);
    expect(alice!.events.filter((event) => event.startsWith("peer-left"))).toEqual([]);
    expect(carolGroup.joined).toBe(true);
    // An ICE restart on each of carol's pairs reaches the peer through the resumed session.
    const carols = FakePeerConnection.instances.filter((pc) => pc instanceof CarolsPeerConnection);
    expect(carols).toHaveLength(2);
    const before = remoteOffers();
    for (const pc of carols) pc.restartIce();
    await vi.waitFor(() => expect(remoteOffers()).toBe(before + 2));
    await meshConnected([alice!, bob!, carol]);
  });
});

describe("GroupCall across a server restart", () => {
  it("joins the new server's call again: the same pairs carry on, renegotiate through it, and nobody left", async () => {
    const members = await people("standup", ["alice", "bob", "carol"]);
    await joinAll(members);
    const [alice, bob] = members as [Member, Member, Member];
    const connections = [...FakePeerConnection.instances];
    expect(connections).toHaveLength(6);
    const offersBefore = remoteOffers();
    const marks = members.map((m) => m.events.length);

    const fresh = members.map((m) => nextEvent(m.client, "welcome", (welcome) => welcome.resumed === false));
    env.running = await restartOnSamePort(env.running, { maxMeshParticipants: 4 });
    await Promise.all(fresh);
    await backInCall(members, ["alice", "bob", "carol"]);
    // The new server's own view: someone logging in now is told the three are in its call.
    const newcomer = await member(pool, "dana", "standup");
    expect(sorted(newcomer.group.participants)).toBe("alice,bob,carol");

    // No stay ended, no tile dropped or added, no peer connection replaced.
    for (const [index, m] of members.entries()) {
      expect(m.group.joined).toBe(true);
      expect(newsSince(m, marks[index]!)).toEqual([]);
    }
    expect(FakePeerConnection.instances).toEqual(connections);
    // Each pair restarted ICE once, through the new server (which so learnt the pairs)...
    await vi.waitFor(() => expect(remoteOffers()).toBe(offersBefore + 3));
    await meshConnected(members);
    // ...so an untargeted media-state reaches the partners again.
    alice.group.setMicrophone(false);
    await vi.waitFor(() => expect(bob.group.peers.get("alice")?.audio).toBe(false));
    // Busy again for 1:1 calls, on the new server too.
    await until(bob.client, "user-status", () => members.every((m) => bob.client.user(m.client.name!)?.status === "busy"));
  });

  it("drops only the peer who does not come back, once the grace is over; the others stay", async () => {
    const members = await people("standup", ["alice", "bob", "carol"], { rejoinGraceMs: 300 });
    await joinAll(members);
    const [alice, bob, carol] = members as [Member, Member, Member];
    const marks = [alice, bob].map((m) => m.events.length);
    const { port } = env.running;
    await env.running.server.close();
    carol.client.close(); // Carol's tab is gone: she will not come back.
    const welcomed = nextEvent(alice.client, "welcome", (welcome) => welcome.resumed === false);
    env.running = await startServer(port, { maxMeshParticipants: 4 });
    await welcomed;
    const started = Date.now();
    await backInCall([alice, bob], ["alice", "bob"]);
    // Not listed by the new server, but awaited: carol's tile stays for the grace.
    expect([...alice.group.peers.keys()].sort()).toEqual(["bob", "carol"]);
    await vi.waitFor(() => expect([...alice.group.peers.keys()]).toEqual(["bob"]), { timeout: 3_000 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    await vi.waitFor(() => expect([...bob.group.peers.keys()]).toEqual(["alice"]), { timeout: 3_000 });
    expect([alice, bob].map((m, index) => newsSince(m, marks[index]!))).toEqual([["peer-left:carol"], ["peer-left:carol"]]);
    await meshConnected([alice, bob]);
  });

  it("a refused re-join (the new server's call is full) ends the stay 'rejoin-refused', after an error saying why", async () => {
    const members = await people("standup", ["alice", "bob", "carol"]);
    await joinAll(members);
    const refusals: string[] = [];
    for (const m of members) m.group.on("error", (error) => refusals.push(`${m.client.name}:${(error as SignalingError).code}`));
    // The new process allows two: whoever re-joins third is refused.
    env.running = await restartOnSamePort(env.running, { maxMeshParticipants: 2 });
    await vi.waitFor(() => expect(members.filter((m) => m.events.includes("left:rejoin-refused"))).toHaveLength(1));
    const refused = members.find((m) => m.events.includes("left:rejoin-refused"))!;
    const stayed = members.filter((m) => m !== refused);
    const name = refused.client.name!;
    expect(refusals).toEqual([`${name}:group-call-full`]);
    const [error, ...ending] = refused.events.slice(-4);
    expect(error).toMatch(/^error:The group call is full\. All 2 places/);
    expect(ending.slice(0, 2).sort()).toEqual(stayed.map((m) => `peer-left:${m.client.name}`));
    expect(ending[2]).toBe("left:rejoin-refused");
    expect(refused.group.joined).toBe(false);
    // Its hang-ups drop its tiles at once; the two others go on together.
    for (const m of stayed) await vi.waitFor(() => expect(m.events).toContain(`peer-left:${name}`));
    await backInCall(stayed, stayed.map((m) => m.client.name!));
    await meshConnected(stayed);
    expect(stayed.map((m) => m.group.joined)).toEqual([true, true]);
  });
});
