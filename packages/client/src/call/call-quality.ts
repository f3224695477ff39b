/** A quality snapshot of one call, from RTCPeerConnection.getStats(). Null: not measured (yet). */
export interface CallQuality {
  /** When the stats were taken (ms, the stats' clock). */
  timestamp: number;
  /** Round-trip time of the selected ICE candidate pair, in ms. */
  roundTripTimeMs: number | null;
  /** Inbound packets lost / expected, over all inbound RTP streams since the start, in %. */
  packetLossPercent: number | null;
  /** Video frames decoded so far (inbound video); grows while video plays. */
  framesDecoded: number | null;
  bytesReceived: number;
  bytesSent: number;
  /** Receive / send rate since the previous snapshot, in kbit/s; null on the first. */
  inboundKbps: number | null;
  outboundKbps: number | null;
}

/** The stat fields read here; real stats objects have many more. */
export type StatsEntry = { type: string; id: string; timestamp?: number; [field: string]: unknown };

const num = (value: unknown): number | undefined => (typeof value === "number" && Number.isFinite(value) ? value : undefined);

/**
 * Reduces a stats report (its `values()`) to a CallQuality. `previous` is the last snapshot,
 * for bitrates. Pure: tested with literal stats fixtures.
 */
export function summarizeStats(entries: Iterable<StatsEntry>, previous?: CallQuality): CallQuality {
  const all = [...entries];
  const byId = new Map(all.map((entry) => [entry.id, entry]));
  let timestamp = 0;
  let bytesReceived = 0;
  let bytesSent = 0;
  let packetsReceived = 0;
  let packetsLost = 0;
  let sawInbound = false;
  let framesDecoded: number | null = null;

  for (const entry of all) {
    timestamp = Math.max(timestamp, num(entry.timestamp) ?? 0);
    if (entry.type === "inbound-rtp") {
      sawInbound = true;
      packetsReceived += num(entry.packetsReceived) ?? 0;
      packetsLost += Math.max(0, num(entry.packetsLost) ?? 0);
      bytesReceived += num(entry.bytesReceived) ?? 0;
      const frames = num(entry.framesDecoded);
      if (entry.kind === "video" && frames !== undefined) framesDecoded = (framesDecoded ?? 0) + frames;
    } else if (entry.type === "outbound-rtp") {
      bytesSent += num(entry.bytesSent) ?? 0;
    }
  }

  const expected = packetsReceived + packetsLost;
  const rttSeconds = num(selectedPair(all, byId)?.currentRoundTripTime);
  const elapsedMs = previous ? timestamp - previous.timestamp : 0;
  const rate = (now: number, before: number | undefined) =>
    before === undefined || elapsedMs <= 0 ? null : Math.max(0, ((now - before) * 8) / elapsedMs);

  return {
    timestamp,
    roundTripTimeMs: rttSeconds === undefined ? null : rttSeconds * 1000,
    packetLossPercent: sawInbound && expected > 0 ? (packetsLost / expected) * 100 : null,
    framesDecoded,
    bytesReceived,
    bytesSent,
    inboundKbps: rate(bytesReceived, previous?.bytesReceived),
    outboundKbps: rate(bytesSent, previous?.bytesSent),
  };
}

/** The transport's selected pair, else a nominated succeeded pair (Firefox has no transport stats). */
function selectedPair(all: StatsEntry[], byId: Map<string, StatsEntry>): StatsEntry | undefined {
  for (const entry of all) {
    if (entry.type !== "transport" || typeof entry.selectedCandidatePairId !== "string") continue;
    const pair = byId.get(entry.selectedCandidatePairId);
    if (pair) return pair;
  }
  return all.find((entry) => entry.type === "candidate-pair" && entry.nominated === true && entry.state === "succeeded");
}
