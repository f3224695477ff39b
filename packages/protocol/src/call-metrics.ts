import { z } from "zod";
import { Ref } from "./fields.js";

/**
 * How long a call took to connect, as the client measured it: from the call's start (invite
 * sent or received, or the first offer) to its RTCPeerConnection first reaching "connected".
 * Sent once per call (a group call: once per pair) to a server whose `welcome.features` lists
 * "call-metrics"; the server counts a few per session per minute and ignores the rest.
 */
export const CallMetricsMessage = z.looseObject({
  type: z.literal("call-metrics"),
  setupMs: z.number().min(0).max(600_000),
  kind: z.enum(["direct", "group"]),
  ref: Ref.optional(),
});
export type CallMetricsMessage = z.infer<typeof CallMetricsMessage>;
