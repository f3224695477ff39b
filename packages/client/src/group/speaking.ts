/**
 * A speaking indicator from audio levels (0..1, as WebRTC reports them), with hysteresis: it
 * lights up at once on a loud sample and goes out only after a run of quiet ones, so that the
 * gaps between words do not make it flicker.
 */
export interface SpeakingOptions {
  /** A level at or above this starts "speaking". */
  onLevel: number;
  /** Levels below this count as quiet... */
  offLevel: number;
  /** ...and this many quiet samples in a row end "speaking". */
  quietSamples: number;
}

export const DEFAULT_SPEAKING: Readonly<SpeakingOptions> = Object.freeze({ onLevel: 0.05, offLevel: 0.02, quietSamples: 4 });

export class SpeakingDetector {
  #speaking = false;
  #quiet = 0;

  constructor(private readonly options: SpeakingOptions = DEFAULT_SPEAKING) {}

  get speaking(): boolean {
    return this.#speaking;
  }

  /** One sample (null: no level known, counts as quiet); returns whether `speaking` changed. */
  sample(level: number | null): boolean {
    const was = this.#speaking;
    if (level !== null && level >= this.options.onLevel) {
      this.#speaking = true;
      this.#quiet = 0;
    } else if (level === null || level < this.options.offLevel) {
      this.#quiet += 1;
      if (this.#quiet >= this.options.quietSamples) this.#speaking = false;
    } else {
      this.#quiet = 0; // Between the thresholds: keeps whatever it was.
    }
    return this.#speaking !== was;
  }
}

type LevelSource = { audioLevel?: number };
type ReceiverLike = { track?: { kind?: string } | null; getSynchronizationSources?: () => LevelSource[] };

/** Where remote audio levels are read: a peer connection, or some of its receivers (an SFU participant's). */
export type AudioLevelSource = Pick<RTCPeerConnection, "getReceivers" | "getStats">;

/**
 * The remote audio level of a peer connection: the loudest synchronization source of its audio
 * receivers (cheap, no stats report), else the inbound-rtp audio stats' `audioLevel`. Null when
 * neither says anything (no audio yet, or an engine without either).
 */
export async function remoteAudioLevel(pc: AudioLevelSource): Promise<number | null> {
  const receivers = typeof pc.getReceivers === "function" ? (pc.getReceivers() as unknown as ReceiverLike[]) : [];
  let level: number | null = null;
  let sourcesKnown = false;
  for (const receiver of receivers) {
    if (receiver.track?.kind !== "audio" || typeof receiver.getSynchronizationSources !== "function") continue;
    sourcesKnown = true;
    for (const source of receiver.getSynchronizationSources()) {
      if (typeof source.audioLevel === "number") level = Math.max(level ?? 0, source.audioLevel);
    }
  }
  if (sourcesKnown || typeof pc.getStats !== "function") return level;
  const report = await pc.getStats();
  for (const entry of report.values() as Iterable<{ type?: string; kind?: string; audioLevel?: unknown }>) {
    if (entry.type === "inbound-rtp" && entry.kind === "audio" && typeof entry.audioLevel === "number") {
      level = Math.max(level ?? 0, entry.audioLevel);
    }
  }
  return level;
}
