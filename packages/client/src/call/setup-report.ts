import type { CallMetricsMessage } from "@switchboard/protocol";
import type { SignalingClient } from "../signaling/signaling-client.js";
import type { Disposer } from "../typed-emitter.js";

/** The `welcome.features` entry of a server that takes `call-metrics` (an older one would relay it to the room). */
export const CALL_METRICS_FEATURE = "call-metrics";
/** The longest setup the protocol accepts. */
const MAX_SETUP_MS = 600_000;

/** A call as far as its setup is measured: a Call, a CallSession. */
interface ConnectionStates {
  on(event: "connection-state", listener: (state: RTCPeerConnectionState) => void): Disposer;
}

const now = () => globalThis.performance?.now() ?? Date.now();

/**
 * Tells the server how long `call` took to connect: from now, the call's start (invite sent or
 * received, the first offer, a group pair opened), to its peer connection first reaching
 * "connected". Once per call, to a server that lists "call-metrics"; a report is best effort,
 * so a failure to send one never reaches the app.
 */
export function reportSetupOnConnect(call: ConnectionStates, signaling: Pick<SignalingClient, "welcome" | "request">, kind: CallMetricsMessage["kind"]): Disposer {
  const started = now();
  const stop = call.on("connection-state", (state) => {
    if (state !== "connected") return;
    stop();
    const setupMs = Math.round(now() - started);
    if (setupMs > MAX_SETUP_MS || !signaling.welcome?.features.includes(CALL_METRICS_FEATURE)) return;
    const report: CallMetricsMessage = { type: "call-metrics", setupMs, kind };
    signaling.request(report).catch(() => {});
  });
  return stop;
}
