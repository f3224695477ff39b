/**
 * `window.__switchboard`: a small, read-only hook for tests and debugging. It exposes nothing
 * that the UI does not already show:
 *
 *   window.__switchboard.callState()  -> "idle" | "ringing-out" | "ringing-in" | "connecting" | "active"
 *   window.__switchboard.stats()      -> Promise<{ framesDecoded, rttMs, lossFraction } | null>
 *                                        (the current call's stats snapshot from the SDK; null when idle)
 *   window.__switchboard.ringLevel()  -> loudness of the ring tone playing now (0: silent)
 *   window.__switchboard.localTracks() -> { audio, video }: whether the microphone / camera tracks
 *                                        are enabled (false when absent); the mute buttons flip them
 */
import type { StatsSample } from "./calls/call-port.js";

export interface DebugHook {
  callState(): string;
  ringLevel(): number;
  stats(): Promise<StatsSample | null>;
  localTracks(): { audio: boolean; video: boolean };
}

export function installDebugHook(hook: DebugHook): void {
  Object.defineProperty(window, "__switchboard", { value: Object.freeze(hook), configurable: true });
}
