import { z } from "zod";

/* WebRTC's own objects as they travel in messages: call messages between peers, SFU messages with the server. */

export const SessionDescription = z.looseObject({
  type: z.enum(["offer", "answer", "pranswer", "rollback"]),
  sdp: z.string().optional(),
});

export const IceCandidate = z.looseObject({
  candidate: z.string(),
  sdpMid: z.string().nullable().optional(),
  sdpMLineIndex: z.number().int().nullable().optional(),
  usernameFragment: z.string().nullable().optional(),
});
