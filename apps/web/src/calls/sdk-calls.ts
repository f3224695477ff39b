import { CallManager, type CallSession, type CallState, type SignalingClient } from "@switchboard/client";
import { openScreenCapture } from "../media/screen-media.js";
import type { CallPort, MediaSource, PortCall, PortCallState } from "./call-port.js";

/**
 * The SDK's CallManager as a CallPort. Local media is asked for once per call, while it rings.
 * `relayOnly`: calls use TURN relays only; `connectWhileRinging`: see call-url-options.ts.
 */
export function createSdkCalls(
  client: SignalingClient,
  media: MediaSource,
  options: { relayOnly?: boolean; connectWhileRinging?: boolean } = {},
): CallPort {
  const manager = new CallManager(client, {
    localMedia: () => media(),
    connectWhileRinging: options.connectWhileRinging ?? true,
    ...(options.relayOnly ? { rtcConfiguration: { iceTransportPolicy: "relay" } } : {}),
  });
  return {
    call: (peer) => wrap(manager.call(peer)),
    onIncoming: (listener) => manager.on("incoming-call", (session) => listener(wrap(session))),
    onError: (listener) => manager.on("error", listener),
  };
}

function portState(state: CallState): PortCallState {
  switch (state) {
    case "idle":
    case "outgoing-ringing":
    case "incoming-ringing":
      return "ringing";
    case "connecting":
      return "connecting";
    case "connected":
      return "active";
    case "ended":
      return "ended";
  }
}

function wrap(session: CallSession): PortCall {
  return {
    peer: session.remote,
    direction: session.direction,
    get state() {
      return portState(session.state);
    },
    accept: () => session.accept(),
    decline: () => session.decline(),
    hangUp: () => session.hangUp(),
    replaceTrack: (track) => session.replaceTrack(track),
    onState: (listener) =>
      session.on("state", (state) => listener(portState(state), state === "ended" ? session.endReason : null)),
    onRemoteStream(listener) {
      if (session.remoteStream) queueMicrotask(() => session.remoteStream && listener(session.remoteStream));
      return session.on("remote-stream", listener);
    },
    startScreenShare: async () => void (await session.screenShare.start(openScreenCapture)),
    stopScreenShare: () => session.screenShare.stop(),
    onScreenShare(listener) {
      const disposers = [session.on("local-screen-share", (stream) => listener(true, stream)), session.on("screen-share", (stream) => listener(false, stream))];
      return () => disposers.forEach((dispose) => dispose());
    },
    canSendFiles: !session.legacy,
    sendFile: (file) => session.sendFile(file),
    onFileOffer: (listener) => session.on("file-offer", listener),
    async stats() {
      const quality = await session.getStats();
      if (!quality) return null;
      return {
        rttMs: quality.roundTripTimeMs,
        lossFraction: quality.packetLossPercent === null ? null : quality.packetLossPercent / 100,
        framesDecoded: quality.framesDecoded ?? 0,
      };
    },
  };
}
