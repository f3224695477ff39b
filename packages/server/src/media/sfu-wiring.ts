import type { SfuServerMessage } from "@switchboard/protocol";
import type { Config } from "../config.js";
import type { GroupMedia } from "../hub/group-media.js";
import type { Hub } from "../hub/hub.js";
import type { SfuRequests } from "../session/session-context.js";
import { encodeMessage } from "../wire/outgoing.js";

/** The media server's adapter as the rest of the server uses it (media/sfu-calls.ts). */
export interface SfuEngine extends SfuRequests {
  /** Connected to the media server now: a new call may go through it. */
  readonly available: boolean;
  /** The room's SFU call has these participants (cluster-wide, in join order), `local` of them here; [] ends it here. */
  callChanged(room: string, participants: readonly string[], local: ReadonlySet<string>): void;
}

/** How the rooms' group calls use `engine`: which calls go through it (SFU_CALLS), how many each holds. */
export function sfuGroupMedia(engine: SfuEngine, config: Pick<Config, "maxMeshParticipants" | "sfuCalls" | "maxSfuParticipants">): GroupMedia {
  const none: ReadonlySet<string> = new Set();
  return {
    policy: () => ({
      meshCapacity: config.maxMeshParticipants,
      sfu: { calls: config.sfuCalls, capacity: config.maxSfuParticipants, available: engine.available },
    }),
    // A mesh call (or none) has nothing on the media server: whatever this node had there for the room ends.
    callChanged: (room, participants, media, local) => engine.callChanged(room, media === "sfu" ? participants : [], media === "sfu" ? local : none),
  };
}

/** Sends the media server's side of the negotiation to a participant of this node (nobody: dropped, it left). */
export function deliverSfuMessage(hub: Hub, room: string, name: string, message: SfuServerMessage): void {
  const known = hub.knownRoom(room);
  const peer = known && hub.localPeer(known, name);
  peer?.send(encodeMessage(message));
}
