import type { GroupCallMedia } from "@switchboard/protocol";

/** How many people a group call takes, and when it goes through the media server. */
export interface GroupCallPolicy {
  meshCapacity: number;
  /** Absent: no media server (JANUS_URL unset), meshes only. */
  sfu?: {
    /** "all": every call that can; "large": only past the mesh's capacity. */
    calls: "all" | "large";
    capacity: number;
    /** The media server is reachable now. */
    available: boolean;
  };
}

/** Why a join was refused: every place taken, or the media server needed but unreachable. */
export type GroupRefusal = "full" | "media-unavailable";
export type GroupAdmission = { media: GroupCallMedia } | GroupRefusal;

/**
 * Whether one more may join a call of `size` whose media is `media` (ignored when `size` is 0:
 * a new call decides afresh), and what the call's media is then. A call that starts as a mesh
 * (SFU_CALLS=large, or the media server unreachable) goes through the media server once it
 * outgrows the mesh, and never back while it lasts. redis-scripts.ts's `groupJoin` does the same.
 */
export function admitToGroupCall(size: number, media: GroupCallMedia, policy: GroupCallPolicy): GroupAdmission {
  const { sfu } = policy;
  if (size === 0) return { media: sfu?.calls === "all" && sfu.available ? "sfu" : "mesh" };
  if (media === "sfu") return size < (sfu?.capacity ?? policy.meshCapacity) ? { media } : "full";
  if (size < policy.meshCapacity) return { media };
  if (!sfu) return "full";
  if (!sfu.available) return "media-unavailable";
  return size < sfu.capacity ? { media: "sfu" } : "full";
}
