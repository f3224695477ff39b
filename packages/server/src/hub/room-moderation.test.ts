import { usernameKeys } from "@switchboard/protocol";
import { describe, expect, it } from "vitest";
import { MemoryBroker, MemoryBus } from "../bus/memory-bus.js";
import { TestPeer } from "../../test/support/hub-peer.js";
import { meshOnly } from "./group-media.js";
import { RemotePeer } from "./remote-peer.js";
import { Room, type RoomOptions } from "./room.js";

const OPTIONS: RoomOptions = { presenceIntervalMs: 0, historySize: 10, historyMaxBytes: 65536, maxChatTextLength: 2000, maxMeshParticipants: 6, groupMedia: meshOnly(6), moderatorRule: "first-member" };
const bus = new MemoryBus(new MemoryBroker(), "here");

const local = (room: Room, name: string, place: number, modern = true) => {
  const peer = new TestPeer(`s-${name}`, modern);
  peer.name = name;
  room.admit(peer, { name, keys: usernameKeys(name), requested: name, place }, false);
  return peer;
};
const remote = (room: Room, name: string, place: number, extra: { modern?: boolean; moderator?: boolean } = {}) => {
  const peer = new RemotePeer({ room: room.name, name, session: `s-${name}`, node: "there", modern: extra.modern ?? true, busy: false, place, ...(extra.moderator && { moderator: true }) }, bus);
  room.joinedElsewhere(peer, false);
  return peer;
};
const moderators = (peer: TestPeer) => peer.of("room-state").at(-1)?.moderators;

describe("a room's moderators", () => {
  it("are, in open mode, the modern user first in the store's login order, whatever order the logins arrived in", () => {
    const room = new Room("r", OPTIONS);
    const ann = local(room, "ann", 5);
    expect(moderators(ann)).toEqual(["ann"]);
    // An earlier login, whose event reached this node only now (it crossed ann's claim).
    remote(room, "bob", 3);
    expect(moderators(ann)).toEqual(["bob"]);
    // Later logins and the article's clients change nothing.
    remote(room, "old", 1, { modern: false });
    remote(room, "cid", 9);
    expect(moderators(ann)).toEqual(["bob"]);
    room.remove("bob", "s-bob");
    expect(moderators(ann)).toEqual(["ann"]);
  });

  it("are, with tokens, whoever signed in as one, as long as they are in the room", () => {
    const room = new Room("r", { ...OPTIONS, moderatorRule: "token-role" });
    const ann = local(room, "ann", 1);
    expect(moderators(ann)).toEqual([]);
    remote(room, "mod", 2, { moderator: true });
    remote(room, "mod2", 3, { moderator: true });
    expect(moderators(ann)).toEqual(["mod", "mod2"]);
    room.remove("mod", "s-mod");
    expect(moderators(ann)).toEqual(["mod2"]);
    // Sent once per change: a join that changes nothing sends nothing.
    const states = ann.of("room-state").length;
    remote(room, "dan", 4);
    expect(ann.of("room-state")).toHaveLength(states);
  });
});
