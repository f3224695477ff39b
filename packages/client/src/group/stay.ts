import type { SignalingClient } from "../signaling/signaling-client.js";
import { SignalingError } from "../signaling/signaling-error.js";
import type { Disposer } from "../typed-emitter.js";

/** One stay in the group call, from join() to leaving: what was decided at join time. */
export interface Stay {
  /** Our name and room when we joined: the pairs' call ids are made of them. */
  readonly self: string;
  readonly room: string;
  joining: Promise<void>;
  /** The server acked group-join. */
  joined: boolean;
  /** The server listed us at least once (until then a list without us is an older one). */
  listed: boolean;
  over: boolean;
  releaseBusy: Disposer | null;
}

export function newStay(self: string, room: string): Stay {
  return { self, room, joining: Promise.resolve(), joined: false, listed: false, over: false, releaseBusy: null };
}

/** The `welcome.features` entry of a server with a media server (SFU group calls). */
export const SFU_FEATURE = "sfu";

/**
 * Why GroupCall.join() cannot start a stay now, or null: not logged in, busy in a 1:1 call, no
 * RTCPeerConnection, or the call already at the server's cap ("group-call-full"). With a media
 * server the cap is its own (a mesh call at the mesh cap may move to it: the server decides).
 */
export function joinRefusal(signaling: SignalingClient, participants: readonly string[], hasPeerConnection: boolean): Error | null {
  if (signaling.name === null) return new Error("GroupCall.join: log in first.");
  if (signaling.busy) return new Error("GroupCall.join: busy in another call.");
  if (!hasPeerConnection) return new TypeError("GroupCall: no RTCPeerConnection here; pass the `RTCPeerConnection` option.");
  const welcome = signaling.welcome;
  const cap = welcome?.features.includes(SFU_FEATURE) ? welcome.limits.maxSfuParticipants : welcome?.limits.maxMeshParticipants;
  if (cap !== undefined && participants.length >= cap) {
    return new SignalingError("client", "group-call-full", `The group call is full (${cap} people).`);
  }
  return null;
}

export function leftFirst(): Error {
  return new Error("GroupCall.join: leave() came before the join completed.");
}
