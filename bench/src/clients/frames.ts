/**
 * The relayed payloads, the same bytes for every server: a ~600-byte ICE-candidate-like frame
 * and a ~4 KB offer-like frame whose text looks like SDP (with its escaped CRLFs). Each frame is
 * a template `prefix + seq + suffix`, so sending costs one string concatenation.
 */
export type RelayKind = "candidate" | "offer";
export const FRAME_BYTES: Record<RelayKind, number> = { candidate: 600, offer: 4096 };
/** One offer-like frame for every OFFER_EVERY frames; the rest are candidates. */
export const OFFER_EVERY = 8;
export const kindOf = (seq: number): RelayKind => (seq % OFFER_EVERY === 0 ? "offer" : "candidate");

export interface FrameTemplate {
  prefix: string;
  suffix: string;
}

/** Wraps the inner fields (`"seq":` first) into a server's envelope: [before, after]. */
export type Envelope = (to: string, kind: RelayKind) => [string, string];

const SDP_LINES = [
  "v=0",
  "o=- 4611731400430051336 2 IN IP4 127.0.0.1",
  "s=-",
  "t=0 0",
  "a=group:BUNDLE 0 1",
  "m=audio 9 UDP/TLS/RTP/SAVPF 111 63 103 104 9 0 8 106 105 13 110 112 113 126",
  "a=rtpmap:111 opus/48000/2",
  "a=fmtp:111 minptime=10;useinbandfec=1",
  "a=candidate:4234997325 1 udp 2043278322 192.168.0.56 44323 typ host generation 0 ufrag EsAw",
];

/** JSON string contents (already escaped) of exactly `length` characters. */
function sdpText(length: number): string {
  let text = "";
  for (let i = 0; ; i++) {
    const line = `${SDP_LINES[i % SDP_LINES.length]}\\r\\n`;
    if (text.length + line.length > length) return text + "x".repeat(length - text.length);
    text += line;
  }
}

/** A template whose frames are FRAME_BYTES[kind] long (for a 5-digit seq). */
export function relayTemplate(envelope: Envelope, to: string, kind: RelayKind): FrameTemplate {
  const [before, after] = envelope(to, kind);
  const inner = (text: string) =>
    kind === "offer"
      ? `,"sdp":{"type":"offer","sdp":"${text}"}`
      : `,"candidate":{"candidate":"${text}","sdpMid":"0","sdpMLineIndex":0}`;
  const prefix = `${before}"seq":`;
  const overhead = prefix.length + 5 + inner("").length + after.length;
  return { prefix, suffix: inner(sdpText(Math.max(0, FRAME_BYTES[kind] - overhead))) + after };
}

const SEQ = Buffer.from('"seq":');

/** The `seq` of a relayed frame, read from its bytes without decoding the frame; -1 if none. */
export function seqOf(data: Buffer): number {
  const at = data.indexOf(SEQ);
  if (at < 0) return -1;
  let seq = 0;
  for (let i = at + SEQ.length; i < data.length; i++) {
    const c = data[i]!;
    if (c < 48 || c > 57) break;
    seq = seq * 10 + c - 48;
  }
  return seq;
}
