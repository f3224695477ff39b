import type { GroupCallMedia } from "@switchboard/protocol";
import type { GroupCallPolicy } from "../bus/group-admission.js";

/** What the rooms need of a media server (the Janus adapter, when JANUS_URL is set). */
export interface GroupMedia {
  /** How a join is admitted now: the media server's availability changes. */
  policy(): GroupCallPolicy;
  /**
   * A room's group call changed here: its participants (cluster-wide, in join order), its media,
   * and which of them are this node's users.
   */
  callChanged(room: string, participants: readonly string[], media: GroupCallMedia, local: ReadonlySet<string>): void;
}

/** No media server: meshes only. */
export function meshOnly(meshCapacity: number): GroupMedia {
  const policy = { meshCapacity };
  return { policy: () => policy, callChanged: () => {} };
}
