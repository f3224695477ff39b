import type { IceServer } from "@switchboard/protocol";
import type { CallOptions, MediaStreamConstructor, RTCPeerConnectionConstructor } from "./call.js";
import type { IceRecoveryOptions } from "./ice-recovery.js";

/** The app's settings that every Call of a CallManager or GroupCall shares. */
export interface SharedCallSettings {
  rtcConfiguration: RTCConfiguration;
  iceRecovery: Partial<IceRecoveryOptions>;
  RTCPeerConnection: RTCPeerConnectionConstructor | undefined;
  MediaStream: MediaStreamConstructor | undefined;
}

/**
 * The part of a Call's options that comes from those settings: the RTC configuration, whose
 * `iceServers` are the server's latest (`iceServers`) unless the app named its own, the ICE
 * recovery timing, and the injected constructors, if any.
 */
export function sharedCallOptions(
  settings: SharedCallSettings,
  iceServers: readonly IceServer[],
): Pick<CallOptions, "configuration" | "RTCPeerConnection" | "MediaStream" | keyof IceRecoveryOptions> {
  const { rtcConfiguration, iceRecovery, RTCPeerConnection, MediaStream } = settings;
  return {
    configuration: { ...rtcConfiguration, iceServers: rtcConfiguration.iceServers ?? [...iceServers] },
    ...iceRecovery,
    ...(RTCPeerConnection ? { RTCPeerConnection } : {}),
    ...(MediaStream ? { MediaStream } : {}),
  };
}
