import type { Page } from "playwright-core";

/**
 * Test-only instrumentation of a page's RTCPeerConnections (the app keeps its own private):
 * every one created is remembered in `window.__peerConnections`, so a test can read the ICE
 * path of the current call and tell whether the call kept its peer connection.
 */
const TRACKER_SCRIPT = `(() => {
  const Native = window.RTCPeerConnection;
  const created = [];
  window.__peerConnections = created;
  window.RTCPeerConnection = class extends Native {
    constructor(...args) {
      super(...args);
      created.push(this);
    }
  };
})();`;

/** Install before the app loads (before AppPage.open). */
export async function trackPeerConnections(page: Page): Promise<void> {
  await page.addInitScript(TRACKER_SCRIPT);
}

export async function peerConnectionCount(page: Page): Promise<number> {
  return page.evaluate(() => (window as unknown as { __peerConnections: RTCPeerConnection[] }).__peerConnections.length);
}

/** Waits until the latest peer connection's connectionState is one of `states`. */
export async function waitForConnectionState(page: Page, states: RTCPeerConnectionState[], timeout = 30_000): Promise<void> {
  await page.waitForFunction(
    (wanted) => {
      const all = (window as unknown as { __peerConnections: RTCPeerConnection[] }).__peerConnections;
      const state = all.at(-1)?.connectionState;
      return state !== undefined && wanted.includes(state);
    },
    states,
    { timeout, polling: 100 },
  );
}

export interface SelectedPath {
  /** Candidate types of the selected pair: "host", "srflx", "prflx" or "relay". */
  local: string;
  remote: string;
}

/** The ICE candidate pair the latest peer connection sends media over (getStats), or null. */
export async function selectedPath(page: Page): Promise<SelectedPath | null> {
  return page.evaluate(async () => {
    const pc = (window as unknown as { __peerConnections: RTCPeerConnection[] }).__peerConnections.at(-1);
    if (!pc) return null;
    const stats = [...(await pc.getStats()).values()] as Record<string, unknown>[];
    const byId = new Map(stats.map((entry) => [entry.id, entry]));
    const transport = stats.find((entry) => entry.type === "transport" && entry.selectedCandidatePairId);
    const pair =
      (transport && byId.get(transport.selectedCandidatePairId)) ??
      stats.find((entry) => entry.type === "candidate-pair" && entry.nominated && entry.state === "succeeded");
    if (!pair) return null;
    const local = byId.get(pair.localCandidateId)?.candidateType;
    const remote = byId.get(pair.remoteCandidateId)?.candidateType;
    return { local: String(local), remote: String(remote) };
  });
}

export interface GatheringResult {
  /** Relay candidates gathered. */
  relay: number;
  /** `icecandidateerror` codes (401: credentials refused; 701: server unreachable). */
  errors: number[];
}

/** Gathers candidates relay-only with `iceServer` in a bare page: does the TURN server give us a relay? */
export async function gatherRelayCandidates(page: Page, iceServer: RTCIceServer): Promise<GatheringResult> {
  return page.evaluate(async (server) => {
    const pc = new RTCPeerConnection({ iceServers: [server], iceTransportPolicy: "relay" });
    const result = { relay: 0, errors: [] as number[] };
    const done = new Promise<void>((resolve) => {
      pc.onicegatheringstatechange = () => pc.iceGatheringState === "complete" && resolve();
    });
    pc.onicecandidate = ({ candidate }) => {
      if (candidate?.type === "relay") result.relay += 1;
    };
    pc.onicecandidateerror = (event) => result.errors.push((event as RTCPeerConnectionIceErrorEvent).errorCode);
    pc.createDataChannel("probe");
    await pc.setLocalDescription();
    await done;
    pc.close();
    return result;
  }, iceServer);
}

export interface InboundMedia {
  /** Video frames decoded, over all inbound video streams. */
  framesDecoded: number;
  /** RTP packets received, audio and video. */
  packetsReceived: number;
}

/** What the latest peer connection received so far (inbound-rtp stats), or null before one exists. */
export async function inboundMedia(page: Page): Promise<InboundMedia | null> {
  return page.evaluate(async () => {
    const pc = (window as unknown as { __peerConnections: RTCPeerConnection[] }).__peerConnections.at(-1);
    if (!pc) return null;
    const totals = { framesDecoded: 0, packetsReceived: 0 };
    for (const entry of (await pc.getStats()).values() as Iterable<Record<string, unknown>>) {
      if (entry.type !== "inbound-rtp") continue;
      totals.framesDecoded += Number(entry.framesDecoded ?? 0);
      totals.packetsReceived += Number(entry.packetsReceived ?? 0);
    }
    return totals;
  });
}
