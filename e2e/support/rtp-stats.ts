import type { Page } from "playwright-core";

/**
 * The RTP streams of a page's own RTCPeerConnections (install `trackPeerConnections` before the
 * app loads), from their getStats: what it sends and what it receives, per connection. No vitest
 * in here: the bench uses it too.
 */
export interface RtpStream {
  /** Which connection: its index in the page's `__peerConnections`. */
  connection: number;
  direction: "outbound" | "inbound";
  kind: "audio" | "video";
  bytes: number;
  /** Outbound: the media source it encodes (per connection: a camera sent on two connections is two sources). */
  source: string | null;
  /** Outbound: its simulcast layer, if any. */
  rid: string | null;
  /** Frames encoded (outbound) or decoded (inbound). */
  frames: number;
  /** Inbound: the receiving track's id. */
  track: string | null;
  /** The latest frame's width (0 before one). */
  frameWidth: number;
  /** Outbound video: what limits its quality now ("none", "cpu", "bandwidth", "other"). */
  limitation: string | null;
}

/** Every RTP stream of the page's open connections. */
export async function rtpStreams(page: Page): Promise<RtpStream[]> {
  return page.evaluate(async () => {
    const connections = (window as unknown as { __peerConnections: RTCPeerConnection[] }).__peerConnections;
    const streams: RtpStream[] = [];
    for (const [connection, pc] of connections.entries()) {
      if (pc.connectionState === "closed") continue;
      const report = await pc.getStats().catch(() => null);
      for (const entry of report?.values() ?? []) {
        if (entry.type !== "outbound-rtp" && entry.type !== "inbound-rtp") continue;
        const outbound = entry.type === "outbound-rtp";
        streams.push({
          connection,
          direction: outbound ? "outbound" : "inbound",
          kind: entry.kind,
          bytes: (outbound ? entry.bytesSent : entry.bytesReceived) ?? 0,
          source: outbound ? String(entry.mediaSourceId) : null,
          rid: typeof entry.rid === "string" ? entry.rid : null,
          frames: (outbound ? entry.framesEncoded : entry.framesDecoded) ?? 0,
          track: typeof entry.trackIdentifier === "string" ? entry.trackIdentifier : null,
          frameWidth: entry.frameWidth ?? 0,
          limitation: typeof entry.qualityLimitationReason === "string" ? entry.qualityLimitationReason : null,
        });
      }
    }
    return streams;
  });
}

/** The page's outbound video streams: one per simulcast layer, or one per connection without simulcast. */
export async function sentVideo(page: Page): Promise<RtpStream[]> {
  return (await rtpStreams(page)).filter((stream) => stream.direction === "outbound" && stream.kind === "video");
}

/** RTP payload bytes the page sent so far, audio and video, over all its open connections: its upstream. */
export async function bytesSent(page: Page): Promise<number> {
  return (await rtpStreams(page)).reduce((sum, stream) => (stream.direction === "outbound" ? sum + stream.bytes : sum), 0);
}

/** Per open connection that carries video: how many video streams it sends and how many it receives. */
export async function videoDirections(page: Page): Promise<{ sends: number; receives: number }[]> {
  const byConnection = new Map<number, { sends: number; receives: number }>();
  for (const stream of await rtpStreams(page)) {
    if (stream.kind !== "video") continue;
    const counts = byConnection.get(stream.connection) ?? { sends: 0, receives: 0 };
    counts[stream.direction === "outbound" ? "sends" : "receives"] += 1;
    byConnection.set(stream.connection, counts);
  }
  return [...byConnection.values()];
}
