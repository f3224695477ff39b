/**
 * SFU group calls: with `JANUS_URL` set, a group call's media can go through a Janus videoroom
 * instead of a mesh. Browsers speak only these messages, with the server; the server negotiates
 * with Janus on their behalf. Each participant has two peer connections with the media server:
 * a publisher (its own camera, microphone and screen share, sent once, the camera as three
 * simulcast layers) and a subscriber (everyone else's streams, offered by the server).
 */
import { z } from "zod";
import { Ref } from "./fields.js";
import { IceCandidate, SessionDescription } from "./webrtc.js";

/** How a group call carries media: each pair directly, or through the media server. */
export const GroupCallMedia = z.enum(["mesh", "sfu"]);
export type GroupCallMedia = z.infer<typeof GroupCallMedia>;

/** Which of a participant's two peer connections with the media server. */
export const SfuConnection = z.enum(["publisher", "subscriber"]);
export type SfuConnection = z.infer<typeof SfuConnection>;

export const TrackSource = z.enum(["camera", "microphone", "screen"]);
export type TrackSource = z.infer<typeof TrackSource>;

/** An SDP media id (RFC 8843: a token); browsers number them, so 16 characters is plenty. */
export const Mid = z.string().regex(/^[A-Za-z0-9_.\-]{1,16}$/, "is not an SDP mid (1 to 16 of A-Za-z0-9_.-)");

/** A simulcast layer of a camera: 0 the smallest (a quarter of the size), 2 the full size. */
export const SimulcastLayer = z.union([z.literal(0), z.literal(1), z.literal(2)]);
export type SimulcastLayer = z.infer<typeof SimulcastLayer>;
export const SIMULCAST_LAYERS = 3;

const Offer = SessionDescription.extend({ type: z.literal("offer"), sdp: z.string().min(1) });
const Answer = SessionDescription.extend({ type: z.literal("answer"), sdp: z.string().min(1) });

// Client -> server

/**
 * Publishes (or, again, renegotiates: a screen share added or removed) what the sender sends:
 * its offer, and which source each of its sending m-lines carries. Answered with `sfu-answer`.
 */
export const SfuPublishMessage = z.looseObject({
  type: z.literal("sfu-publish"),
  sdp: Offer,
  tracks: z.array(z.object({ mid: Mid, source: TrackSource })).min(1).max(4),
  ref: Ref.optional(),
});
export type SfuPublishMessage = z.infer<typeof SfuPublishMessage>;

/** The answer to the server's latest `sfu-offer` (the subscriber connection). Acked. */
export const SfuSubscribeAnswerMessage = z.looseObject({
  type: z.literal("sfu-subscribe-answer"),
  sdp: Answer,
  ref: Ref.optional(),
});
export type SfuSubscribeAnswerMessage = z.infer<typeof SfuSubscribeAnswerMessage>;

/** A trickled ICE candidate of one of the two connections (null: gathering is complete). */
export const SfuCandidateMessage = z.looseObject({
  type: z.literal("sfu-candidate"),
  connection: SfuConnection,
  candidate: IceCandidate.nullable(),
});
export type SfuCandidateMessage = z.infer<typeof SfuCandidateMessage>;

/**
 * Which simulcast layer of a camera the sender wants on one of its subscribed m-lines (as
 * `sfu-offer`'s `streams` name them): what its tile's size needs. Acked.
 */
export const SfuLayerMessage = z.looseObject({
  type: z.literal("sfu-layer"),
  mid: Mid,
  layer: SimulcastLayer,
  ref: Ref.optional(),
});
export type SfuLayerMessage = z.infer<typeof SfuLayerMessage>;

// Server -> client

/** The media server's answer to `sfu-publish` (its `ref`). */
export const SfuAnswerMessage = z.object({ type: z.literal("sfu-answer"), sdp: Answer, ref: Ref.optional() });
export type SfuAnswerMessage = z.infer<typeof SfuAnswerMessage>;

/** One subscribed m-line: whose it is and what it carries. */
export const SfuStream = z.object({ mid: Mid, name: z.string(), source: TrackSource });
export type SfuStream = z.infer<typeof SfuStream>;

/**
 * An offer for the subscriber connection, whenever what the participant receives changes (someone
 * published, renegotiated or left). `streams`: every m-line that carries media now. Answer with
 * `sfu-subscribe-answer`.
 */
export const SfuOfferMessage = z.object({ type: z.literal("sfu-offer"), sdp: Offer, streams: z.array(SfuStream) });
export type SfuOfferMessage = z.infer<typeof SfuOfferMessage>;

/**
 * The media server's state for the receiver's SFU call. `ready`: publish now (with a new
 * `epoch`, again, on fresh connections: the old ones are gone). `interrupted`: the media server
 * went away (`reason` says what happened, for the user); the call goes on when `ready` comes.
 */
export const SfuStatusMessage = z.object({
  type: z.literal("sfu-status"),
  state: z.enum(["ready", "interrupted"]),
  epoch: z.number().int(),
  reason: z.string().optional(),
});
export type SfuStatusMessage = z.infer<typeof SfuStatusMessage>;

export const SFU_CLIENT_MESSAGES = [SfuPublishMessage, SfuSubscribeAnswerMessage, SfuCandidateMessage, SfuLayerMessage] as const;
export const SFU_SERVER_MESSAGES = [SfuAnswerMessage, SfuOfferMessage, SfuStatusMessage] as const;

/** Any of the client's SFU messages (the server interprets them; they are never relayed). */
export const SfuClientMessage = z.discriminatedUnion("type", [...SFU_CLIENT_MESSAGES]);
export type SfuClientMessage = z.infer<typeof SfuClientMessage>;
export type SfuServerMessage = SfuAnswerMessage | SfuOfferMessage | SfuStatusMessage;
