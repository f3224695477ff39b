import { TrackSource, type SfuStream } from "@switchboard/protocol";
import type { StreamRef } from "./room-feeds.js";
import type { SubscribedStream } from "./videoroom-messages.js";

/** The streams a subscription carries now, by Janus's summary of it. */
export function activeStreams(streams: readonly SubscribedStream[]): StreamRef[] {
  return streams.flatMap((stream) =>
    stream.active && stream.type !== "data" && stream.feed_id !== undefined && stream.feed_mid !== undefined
      ? [{ feed: stream.feed_id, mid: stream.feed_mid }]
      : [],
  );
}

/** What to subscribe to and unsubscribe from to go from `current` to `wanted`; null when nothing changes. */
export function subscriptionChange(
  current: readonly StreamRef[],
  wanted: readonly StreamRef[],
): { subscribe: StreamRef[]; unsubscribe: StreamRef[] } | null {
  const key = (ref: StreamRef) => `${ref.feed}/${ref.mid}`;
  const have = new Set(current.map(key));
  const want = new Set(wanted.map(key));
  const subscribe = wanted.filter((ref) => !have.has(key(ref)));
  const unsubscribe = current.filter((ref) => !want.has(key(ref)));
  return subscribe.length === 0 && unsubscribe.length === 0 ? null : { subscribe, unsubscribe };
}

/**
 * The m-lines of an offer that carry media, for `sfu-offer`: whose each is (Janus's display name
 * of the feed) and what it carries (the publisher's description of it, else its kind).
 */
export function offeredStreams(streams: readonly SubscribedStream[]): SfuStream[] {
  return streams.flatMap((stream) => {
    if (!stream.active || stream.type === "data" || stream.feed_display === undefined) return [];
    const described = TrackSource.safeParse(stream.feed_description);
    const source = described.success ? described.data : stream.type === "audio" ? "microphone" : "camera";
    return [{ mid: stream.mid, name: stream.feed_display, source }];
  });
}
