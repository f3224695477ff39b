import { rms } from "../media/level-meter.js";

/**
 * Ring tones made with Web Audio: no downloaded asset, nothing to cache or license.
 *
 * - incoming: a two-note chime (E6 then C6), twice, every 2.5 s: hard to miss, not harsh;
 * - outgoing: the ringback a caller expects, 440 + 480 Hz, 2 s on and 4 s off, quieter.
 *
 * One AudioContext for the page, made on first use (the user has clicked by then: logging in is
 * a click, so the autoplay policy lets it run) and suspended between rings. An AnalyserNode on
 * the output tells what is audible right now (level()), for the UI and the e2e suite.
 */
export type RingKind = "incoming" | "outgoing";

interface Pattern {
  /** Seconds from one repetition to the next. */
  period: number;
  /** Notes in one repetition: start (s), duration (s), frequencies (Hz), gain. */
  notes: { at: number; length: number; frequencies: number[]; gain: number }[];
}

const PATTERNS: Record<RingKind, Pattern> = {
  incoming: {
    period: 2.5,
    notes: [
      { at: 0, length: 0.18, frequencies: [1318.5], gain: 0.25 },
      { at: 0.2, length: 0.3, frequencies: [1046.5], gain: 0.25 },
      { at: 0.6, length: 0.18, frequencies: [1318.5], gain: 0.25 },
      { at: 0.8, length: 0.3, frequencies: [1046.5], gain: 0.25 },
    ],
  },
  outgoing: { period: 6, notes: [{ at: 0, length: 2, frequencies: [440, 480], gain: 0.08 }] },
};

/** How far ahead notes are scheduled on the audio clock (a timer tops it up). */
const SCHEDULE_AHEAD_S = 3;
const ATTACK_S = 0.015;

export interface RingTone {
  play(kind: RingKind): void;
  stop(): void;
  /** Loudness being played now, 0..1 (RMS of the output). */
  level(): number;
}

export function createRingTone(createContext: () => AudioContext = () => new AudioContext()): RingTone {
  let context: AudioContext | null = null;
  let analyser: AnalyserNode | null = null;
  let output: GainNode | null = null;
  let timer: ReturnType<typeof setInterval> | undefined;
  let scheduledUntil = 0;
  let samples: Float32Array<ArrayBuffer> | null = null;

  function ensureContext(): { context: AudioContext; analyser: AnalyserNode } {
    if (!context || !analyser) {
      context = createContext();
      analyser = context.createAnalyser();
      analyser.fftSize = 1024;
      analyser.connect(context.destination);
      samples = new Float32Array(analyser.fftSize);
    }
    return { context, analyser };
  }

  function schedule(pattern: Pattern, ctx: AudioContext, bus: GainNode): void {
    while (scheduledUntil < ctx.currentTime + SCHEDULE_AHEAD_S) {
      for (const note of pattern.notes) {
        const start = scheduledUntil + note.at;
        const end = start + note.length;
        const envelope = ctx.createGain();
        envelope.gain.setValueAtTime(0, start);
        envelope.gain.linearRampToValueAtTime(note.gain, start + ATTACK_S);
        envelope.gain.setValueAtTime(note.gain, end - ATTACK_S);
        envelope.gain.linearRampToValueAtTime(0, end);
        envelope.connect(bus);
        for (const frequency of note.frequencies) {
          const oscillator = ctx.createOscillator();
          oscillator.frequency.value = frequency;
          oscillator.connect(envelope);
          oscillator.start(start);
          oscillator.stop(end);
        }
      }
      scheduledUntil += pattern.period;
    }
  }

  function stop(): void {
    clearInterval(timer);
    timer = undefined;
    // Disconnecting the bus silences every note already scheduled on it.
    output?.disconnect();
    output = null;
    void context?.suspend().catch(() => undefined);
  }

  return {
    play(kind) {
      stop();
      try {
        const { context: ctx, analyser: sink } = ensureContext();
        const bus = ctx.createGain();
        bus.connect(sink);
        output = bus;
        void ctx.resume().catch(() => undefined);
        scheduledUntil = ctx.currentTime + 0.05;
        schedule(PATTERNS[kind], ctx, bus);
        timer = setInterval(() => schedule(PATTERNS[kind], ctx, bus), 1000);
      } catch (error) {
        // No Web Audio here (or it refused): ringing still shows; it just makes no sound.
        console.warn("switchboard: no ring tone:", error);
      }
    },
    stop,
    level() {
      if (!analyser || !samples || !output) return 0;
      analyser.getFloatTimeDomainData(samples);
      return rms(samples);
    },
  };
}
