/**
 * How loud a block of time-domain samples (-1..1) is, 0..1: the RMS, scaled so that normal
 * speech (RMS about 0.05 to 0.2) fills most of the bar.
 */
export function levelOf(samples: Float32Array): number {
  return Math.min(1, rms(samples) * 4);
}

/** The root mean square of time-domain samples (-1..1); 0 for none. */
export function rms(samples: Float32Array): number {
  if (samples.length === 0) return 0;
  let sum = 0;
  for (const sample of samples) sum += sample * sample;
  return Math.sqrt(sum / samples.length);
}

export interface LevelMeter {
  /** The microphone's level now, 0..1. */
  level(): number;
  dispose(): void;
}

/**
 * The level of a stream's microphone through Web Audio (an AnalyserNode; nothing is played).
 * null when the stream has no audio or the page has no Web Audio. The stream stays the caller's.
 */
export function createLevelMeter(stream: MediaStream): LevelMeter | null {
  const Context = globalThis.AudioContext;
  if (!Context || stream.getAudioTracks().length === 0) return null;
  const context = new Context();
  // Opened by a click (the pre-join screen, the settings button), so resuming is allowed.
  void context.resume().catch(() => undefined);
  const source = context.createMediaStreamSource(stream);
  const analyser = context.createAnalyser();
  analyser.fftSize = 1024;
  source.connect(analyser);
  const samples = new Float32Array(analyser.fftSize);
  return {
    level() {
      analyser.getFloatTimeDomainData(samples);
      return levelOf(samples);
    },
    dispose() {
      source.disconnect();
      void context.close().catch(() => undefined);
    },
  };
}
