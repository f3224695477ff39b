// Issue 14: group calls through a media server, as the rooms see them (the media server itself is media/'s).
import type { GroupCallMedia } from "@switchboard/protocol";
import { describe, expect, it } from "vitest";
import { hubPerTest, logIn, rejectedBy, type TestPeer } from "../../test/support/hub-peer.js";
import type { GroupMedia } from "./group-media.js";

/** A media server as the rooms see it: its availability, and what they told it. */
const janus = { available: true, calls: "large" as "all" | "large", told: [] as { room: string; participants: readonly string[]; media: GroupCallMedia; local: string[] }[] };
const groupMedia: GroupMedia = {
  policy: () => ({ meshCapacity: 2, sfu: { calls: janus.calls, capacity: 3, available: janus.available } }),
  callChanged: (room, participants, media, local) => janus.told.push({ room, participants, media, local: [...local].sort() }),
};
const fixture = hubPerTest({ maxMeshParticipants: 2, groupMedia });

async function inRoom(...names: string[]): Promise<TestPeer[]> {
  janus.available = true;
  janus.calls = "large";
  janus.told.length = 0;
  const peers: TestPeer[] = [];
  for (const name of names) peers.push(await logIn(fixture.hub, name, "team"));
  return peers;
}
const latest = (peer: TestPeer) => peer.of("group-call").at(-1);

describe("a group call with a media server", () => {
  it("SFU_CALLS=large: a mesh until it outgrows the mesh, then through the media server for everyone, and told what it must serve", async () => {
    const [a, b, c] = await inRoom("a", "b", "c");
    await fixture.hub.groupJoin(a!);
    await fixture.hub.groupJoin(b!);
    // A mesh's frame is as it always was: no media field.
    expect(latest(a!)).toEqual({ type: "group-call", participants: ["a", "b"] });
    expect(janus.told.at(-1)).toEqual({ room: "team", participants: ["a", "b"], media: "mesh", local: ["a", "b"] });
    await fixture.hub.groupJoin(c!);
    for (const peer of [a, b, c]) expect(latest(peer!)).toEqual({ type: "group-call", participants: ["a", "b", "c"], media: "sfu" });
    expect(janus.told.at(-1)).toEqual({ room: "team", participants: ["a", "b", "c"], media: "sfu", local: ["a", "b", "c"] });
    await fixture.hub.groupLeave(c!);
    expect(latest(a!)).toEqual({ type: "group-call", participants: ["a", "b"], media: "sfu" });
    await fixture.hub.groupLeave(a!);
    await fixture.hub.groupLeave(b!);
    expect(janus.told.at(-1)).toEqual({ room: "team", participants: [], media: "mesh", local: [] });
  });

  it("refuses a join past the mesh with media-unavailable while the media server is down, and past its own places with group-call-full", async () => {
    const [a, b, c, d] = await inRoom("a", "b", "c", "d");
    await fixture.hub.groupJoin(a!);
    await fixture.hub.groupJoin(b!);
    janus.available = false;
    const refusal = await rejectedBy(fixture.hub.groupJoin(c!));
    expect([refusal?.code, refusal?.detail]).toEqual(["media-unavailable", expect.stringContaining("media server")]);
    janus.available = true;
    await fixture.hub.groupJoin(c!);
    const full = await rejectedBy(fixture.hub.groupJoin(d!));
    expect([full?.code, full?.detail]).toEqual(["group-call-full", expect.stringContaining("MAX_SFU_PARTICIPANTS")]);
  });

  it("SFU_CALLS=all: a new call goes through the media server when it is up, and falls back to a mesh when it is not", async () => {
    const [a, b] = await inRoom("a", "b");
    janus.calls = "all";
    janus.available = false;
    await fixture.hub.groupJoin(a!);
    expect(latest(b!)).toEqual({ type: "group-call", participants: ["a"] });
    await fixture.hub.groupLeave(a!);
    janus.available = true;
    await fixture.hub.groupJoin(a!);
    expect(latest(b!)).toEqual({ type: "group-call", participants: ["a"], media: "sfu" });
  });

  it("routes an untargeted media-state of an SFU participant to the call's other participants only (there are no pairs)", async () => {
    const [a, b, c, bystander] = await inRoom("a", "b", "c", "d");
    janus.calls = "all";
    for (const peer of [a, b, c]) await fixture.hub.groupJoin(peer!);
    fixture.hub.relay(a!, { type: "media-state", audio: false, video: true });
    expect([a, b, c, bystander].map((peer) => peer!.of("media-state").length)).toEqual([0, 1, 1, 0]);
    expect(b!.of("media-state")[0]).toMatchObject({ audio: false, video: true, from: "a" });
    // Other call messages still need a partner.
    expect((await rejectedBy(Promise.resolve().then(() => fixture.hub.relay(a!, { type: "new-ice-candidate", candidate: null }))))?.code).toBe("no-call");
  });
});
