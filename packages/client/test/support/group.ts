import { GroupCall, type GroupCallOptions, type SignalingClient } from "@switchboard/client";
import { vi } from "vitest";
import { FakeRTCPeerConnection } from "./fake-peer-connection.js";
import { until, type ClientPool } from "./server.js";

export interface Member {
  client: SignalingClient;
  group: GroupCall;
  /** Everything the GroupCall emitted, in order, as "event:argument". */
  events: string[];
}

/** A user logged into `room` with a GroupCall on the fake RTCPeerConnection (not joined yet). */
export async function member(pool: ClientPool, name: string, room: string, options: Partial<GroupCallOptions> = {}): Promise<Member> {
  const client = pool.create({ room });
  await client.login(name);
  const group = new GroupCall(client, { RTCPeerConnection: FakeRTCPeerConnection, ...options });
  const events: string[] = [];
  group.on("participants", (names) => events.push(`participants:${names.join(",")}`));
  group.on("peer-joined", (peer) => events.push(`peer-joined:${peer.name}`));
  group.on("peer-left", (name) => events.push(`peer-left:${name}`));
  group.on("joined", () => events.push("joined"));
  group.on("left", (reason) => events.push(`left:${reason}`));
  group.on("error", (error) => events.push(`error:${error.message}`));
  return { client, group, events };
}

/** Each member is connected (fake ICE: both descriptions set) to exactly the `others`. */
export async function meshConnected(members: Member[]): Promise<void> {
  for (const { client, group } of members) {
    const others = members.map((m) => m.client.name!).filter((name) => name !== client.name).sort();
    await vi.waitFor(
      () => {
        const peers = [...group.peers.values()];
        if (peers.map((peer) => peer.name).sort().join() !== others.join()) throw new Error(`${client.name} has ${peers.map((p) => p.name)}`);
        if (!peers.every((peer) => peer.connection === "connected")) throw new Error(`${client.name}: not all connected`);
      },
      { timeout: 10_000, interval: 10 },
    );
  }
}

/** Joins one after the other (each sees the previous ones listed first), then waits for the mesh. */
export async function joinAll(members: Member[]): Promise<void> {
  for (const [index, { client, group }] of members.entries()) {
    await until(client, "group-call", () => group.participants.length === index);
    await group.join();
  }
  await meshConnected(members);
}
