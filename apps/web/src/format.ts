/** Pure formatting helpers for the views (unit-tested). */

/** "m:ss", or "h:mm:ss" from one hour on. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  const ss = String(seconds).padStart(2, "0");
  if (hours > 0) return `${hours}:${String(minutes).padStart(2, "0")}:${ss}`;
  return `${minutes}:${ss}`;
}

/** "14:05" in the user's locale. */
export function formatClock(date: number | string): string {
  const value = new Date(typeof date === "number" ? date : Date.parse(date));
  if (Number.isNaN(value.getTime())) return "";
  return value.toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" });
}

export type QualityLevel = "good" | "fair" | "poor" | "unknown";

export interface QualityInput {
  /** Round-trip time in milliseconds. */
  rttMs?: number | null | undefined;
  /** Fraction of packets lost, 0..1. */
  lossFraction?: number | null | undefined;
}

/** A coarse grade for the in-call indicator, in the spirit of the usual call-quality bars. */
export function qualityLevel({ rttMs, lossFraction }: QualityInput): QualityLevel {
  const hasRtt = typeof rttMs === "number" && Number.isFinite(rttMs);
  const hasLoss = typeof lossFraction === "number" && Number.isFinite(lossFraction);
  if (!hasRtt && !hasLoss) return "unknown";
  const rtt = hasRtt ? rttMs : 0;
  const loss = hasLoss ? lossFraction : 0;
  if (rtt > 400 || loss > 0.08) return "poor";
  if (rtt > 150 || loss > 0.02) return "fair";
  return "good";
}

export function describeQuality(input: QualityInput): string {
  const parts: string[] = [];
  if (typeof input.rttMs === "number" && Number.isFinite(input.rttMs)) parts.push(`RTT ${Math.round(input.rttMs)} ms`);
  if (typeof input.lossFraction === "number" && Number.isFinite(input.lossFraction)) {
    parts.push(`loss ${(input.lossFraction * 100).toFixed(1)}%`);
  }
  return parts.length > 0 ? parts.join(" · ") : "measuring…";
}
