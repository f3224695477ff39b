/**
 * What the adapter reads of Janus's videoroom replies and events, checked like any other input
 * (Janus is another process): only the fields it uses, bounded.
 */
import { Mid } from "@switchboard/protocol";
import { z } from "zod";

/** Janus's numeric ids (rooms, feeds) as the adapter picks them: positive, below 2^53. */
const JanusId = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const MediaType = z.enum(["audio", "video", "data"]);
const Text = z.string().max(256);
/** A room holds at most a few hundred publishers; Janus's lists are bounded well above that. */
const MAX_LISTED = 4_096;
const MAX_STREAMS = 64;

export const Jsep = z.object({ type: z.enum(["offer", "answer"]), sdp: z.string().min(1) });

/** One m-line a publisher sends, as Janus's publisher lists give it. */
export const PublishedStream = z.looseObject({
  type: MediaType,
  mid: Text,
  disabled: z.boolean().optional(),
  description: Text.optional(),
});
export type PublishedStream = z.infer<typeof PublishedStream>;

export const Publisher = z.looseObject({
  id: JanusId,
  display: Text.optional(),
  streams: z.array(PublishedStream).max(MAX_STREAMS).default([]),
});
export type Publisher = z.infer<typeof Publisher>;

/** A publisher handle's join reply: its feed, and who publishes already. */
export const Joined = z.looseObject({
  videoroom: z.literal("joined"),
  id: JanusId,
  publishers: z.array(Publisher).max(MAX_LISTED).default([]),
});

/** What a publisher handle hears about the others: new or renegotiated publishers, and feeds gone. */
export const PublisherNews = z.looseObject({
  videoroom: z.literal("event"),
  publishers: z.array(Publisher).max(MAX_LISTED).optional(),
  unpublished: z.union([JanusId, z.literal("ok")]).optional(),
  leaving: z.union([JanusId, z.literal("ok")]).optional(),
  kicked: JanusId.optional(),
});
export type PublisherNews = z.infer<typeof PublisherNews>;

/** One m-line of a subscription (Janus's mid for it, and the publisher stream it carries, if active). */
export const SubscribedStream = z.looseObject({
  mid: Mid,
  type: MediaType,
  active: z.boolean(),
  feed_id: JanusId.optional(),
  feed_mid: Text.optional(),
  feed_display: Text.optional(),
  feed_description: Text.optional(),
});
export type SubscribedStream = z.infer<typeof SubscribedStream>;

/** A subscriber handle's reply or event: the subscription's layout, with an offer when it changed. */
export const Subscription = z.looseObject({
  videoroom: z.enum(["attached", "updated", "updating"]),
  streams: z.array(SubscribedStream).max(MAX_STREAMS * 16).optional(),
});
export type Subscription = z.infer<typeof Subscription>;

/** The reply to a publisher's configure with an offer. */
export const Configured = z.looseObject({ videoroom: z.literal("event"), configured: z.literal("ok") });
