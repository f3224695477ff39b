import type { CallPort, EndReason, MediaSource, PortCall, PortCallState } from "./calls/call-port.js";
import { createCallScreenShare } from "./calls/call-screen-share.js";
import { RELAY_FAILURE_MESSAGE } from "./calls/call-url-options.js";
import { installDebugHook } from "./debug-hook.js";
import type { DeviceController } from "./media/device-controller.js";
import { fallbackNotice, openLocalMedia, stopStream, VIDEO, type LocalMedia } from "./media/local-media.js";
import { createFileSending } from "./files/file-sending.js";
import type { TransferList } from "./files/transfer-list.js";
import { createRinging } from "./ringing/ringing.js";
import { createCallView, type CallPhase } from "./views/call-view.js";
import { createDevicesMenu } from "./views/devices-menu.js";
import { createIncomingCallDialog } from "./views/incoming-call-dialog.js";
import type { Notices } from "./views/notices.js";

export interface CallControllerOptions {
  /** Builds the calls, given where local media comes from. */
  createCalls(media: MediaSource): CallPort;
  root: HTMLElement;
  notices: Notices;
  /** The in-call state changed (the user list disables calling while in a call). */
  onChange(): void;
  /** Puts the call view into the page. */
  mount(element: HTMLElement): void;
  /** Calls use TURN relays only (`?relay=1`): a failed call is then explained as a relay problem. */
  relayOnly?: boolean;
  /** Cameras, microphones, speakers: the call's stream is adopted so choices and unplugs switch it live. */
  devices: DeviceController;
  /** Where files sent and received in calls are listed. */
  transfers: TransferList;
}

export interface CallController {
  readonly inCall: boolean;
  call(name: string): void;
  /** Mutes our microphone in the call as the Mute button does. */
  muteMicrophone(): void;
}

type UiState = CallPhase | "ringing-in";

const STATS_INTERVAL_MS = 1000;

/**
 * One call at a time, from the UI's side: local media, the incoming-call dialog, the call view,
 * the quality poll. Call signalling itself (ringing, busy, glare, negotiation) is the SDK's.
 */
export function createCallController(options: CallControllerOptions): CallController {
  const { root, notices } = options;
  const dialog = createIncomingCallDialog();
  const ringing = createRinging();
  const devicesMenu = createDevicesMenu(options.devices);
  const view = createCallView({
    hangUp: () => endLocally((call) => call.hangUp()),
    setMicrophoneMuted: (muted) => setTrackEnabled("audio", !muted),
    setCameraOff: (off) => setTrackEnabled("video", !off),
    toggleScreenShare: () => screenShare.toggle(),
  }, { menu: devicesMenu.element, attachSpeaker: (element) => options.devices.attachSpeaker(element) });
  const screenShare = createCallScreenShare(view.screenShare, notices);
  const files = createFileSending({ transfers: options.transfers, notices, send: (file) => (current ? [current.sendFile(file)] : []) });
  view.addControl(files.control);
  files.dropOn(view.element);
  options.mount(view.element);
  document.body.append(dialog.element);

  let state: UiState = "idle";
  let current: PortCall | null = null;
  /** The local user ended the call (hang up, cancel, decline): no "why" notice then. */
  let endedLocally = false;
  let media: LocalMedia | null = null;
  /** Ends the device controller's hold on this call's stream. */
  let releaseDevices: (() => void) | null = null;
  let disposers: (() => void)[] = [];
  let statsTimer: ReturnType<typeof setInterval> | undefined;

  const calls = options.createCalls(acquireMedia);
  calls.onError((error) => console.warn("switchboard call error", error));
  calls.onIncoming((call) => {
    if (current) return; // The SDK answers "busy" itself.
    adopt(call);
    dialog.open(call.peer, {
      accept: () => void acceptCall(call),
      decline: () => endLocally((c) => c.decline()),
    });
  });

  installDebugHook({
    callState: () => state,
    ringLevel: () => ringing.level(),
    stats: async () => (current ? current.stats() : null),
    localTracks: () => ({
      audio: media?.stream?.getAudioTracks().some((t) => t.enabled) ?? false,
      video: media?.stream?.getVideoTracks().some((t) => t.enabled) ?? false,
    }),
  });

  function setState(next: UiState): void {
    state = next;
    root.dataset.callState = next;
    if (current && next !== "idle") root.dataset.callPeer = current.peer;
    else delete root.dataset.callPeer;
    view.show(next === "ringing-in" ? "idle" : next, current?.peer ?? null);
    ringing.follow(next, current?.peer ?? null);
    files.setEnabled(next === "active" && (current?.canSendFiles ?? false));
    options.onChange();
  }

  function adopt(call: PortCall): void {
    current = call;
    endedLocally = false;
    disposers = [
      call.onState((callState, reason) => onCallState(call, callState, reason)),
      call.onRemoteStream((stream) => {
        if (current === call) view.setRemoteStream(stream);
      }),
      screenShare.adopt(call),
      call.onFileOffer((transfer) => files.offered(transfer)),
    ];
    onCallState(call, call.state, null);
  }

  function onCallState(call: PortCall, callState: PortCallState, reason: EndReason | null): void {
    if (call !== current) return;
    switch (callState) {
      case "ringing":
        return setState(call.direction === "outgoing" ? "ringing-out" : "ringing-in");
      case "connecting":
        dialog.close();
        return setState("connecting");
      case "active":
        dialog.close();
        setState("active");
        return startStats(call);
      case "ended":
        if (!endedLocally) announceEnd(call, reason);
        return finish();
    }
  }

  function startCall(name: string): void {
    if (current) return;
    try {
      adopt(calls.call(name));
    } catch (error) {
      notices.show(`Can't call ${name}: ${error instanceof Error ? error.message : String(error)}`, "error");
    }
  }

  async function acceptCall(call: PortCall): Promise<void> {
    if (current !== call) return;
    try {
      await call.accept();
    } catch (error) {
      if (current === call) notices.show(`Could not answer: ${error instanceof Error ? error.message : String(error)}`, "error");
    }
  }

  function endLocally(action: (call: PortCall) => void): void {
    if (!current) return;
    endedLocally = true;
    action(current);
  }

  /**
   * The SDK asks for local media once per call (its `localMedia` function), so the stream is the
   * SDK's to stop when the call ends; failures fall back and are explained.
   */
  async function acquireMedia(): Promise<MediaStream | null> {
    const call = current;
    const { audio, video } = await options.devices.constraints(VIDEO);
    const local = await openLocalMedia(undefined, video, audio);
    if (current !== call || !call) {
      stopStream(local.stream);
      return null;
    }
    media = local;
    if (local.stream) releaseDevices = options.devices.adopt(local.stream, (track) => call.replaceTrack(track), VIDEO);
    view.setLocalStream(local.stream);
    view.setLocalCapabilities(local.kind.includes("audio"), local.kind.includes("video"));
    const notice = fallbackNotice(local);
    if (notice) notices.show(notice, local.kind === "none" ? "error" : "warning");
    return local.stream;
  }

  function startStats(call: PortCall): void {
    clearInterval(statsTimer);
    const poll = async () => {
      const sample = await call.stats().catch(() => null);
      if (current === call && sample) view.setQuality(sample);
    };
    void poll();
    statsTimer = setInterval(() => void poll(), STATS_INTERVAL_MS);
  }

  function setTrackEnabled(kind: "audio" | "video", enabled: boolean): void {
    const tracks = kind === "audio" ? media?.stream?.getAudioTracks() : media?.stream?.getVideoTracks();
    for (const track of tracks ?? []) track.enabled = enabled;
  }

  function announceEnd(call: PortCall, reason: EndReason | null): void {
    const peer = call.peer;
    const wasRingingIn = state === "ringing-in";
    const text = endText(peer, reason, wasRingingIn, options.relayOnly ?? false);
    if (text) notices.show(text.message, text.kind);
  }

  function finish(): void {
    for (const dispose of disposers) dispose();
    disposers = [];
    clearInterval(statsTimer);
    statsTimer = undefined;
    screenShare.reset();
    dialog.close();
    // The SDK stops the stream acquireMedia gave it when the call ends: it was opened for that call
    // (with any track a device switch put in it; the replaced ones were stopped at the switch).
    media = null;
    releaseDevices?.();
    releaseDevices = null;
    devicesMenu.close();
    current = null;
    setState("idle");
  }

  return {
    get inCall() {
      return state !== "idle";
    },
    call: startCall,
    muteMicrophone: () => view.muteMicrophone(),
  };
}

/** What to tell the user when the other side (or the network) ended the call. */
export function endText(
  peer: string,
  reason: EndReason | null,
  wasRingingIn: boolean,
  relayOnly = false,
): { message: string; kind: "info" | "warning" | "error" } | null {
  if (relayOnly && reason === "connection-failed") return { message: RELAY_FAILURE_MESSAGE, kind: "error" };
  if (wasRingingIn && (reason === "cancelled" || reason === "no-answer" || reason === "remote-hung-up")) {
    return { message: `Missed call from ${peer}.`, kind: "info" };
  }
  switch (reason) {
    case "declined":
      return { message: `${peer} declined the call.`, kind: "info" };
    case "busy":
      return { message: `${peer} is busy in another call.`, kind: "warning" };
    case "unavailable":
      return { message: `${peer} is not available.`, kind: "warning" };
    case "no-answer":
      return { message: `${peer} did not answer.`, kind: "info" };
    case "remote-hung-up":
      return { message: `${peer} hung up.`, kind: "info" };
    case "gone":
      return { message: `${peer} disconnected. The call ended.`, kind: "warning" };
    case "connection-failed":
      return { message: `The connection to ${peer} failed. The call ended.`, kind: "error" };
    case "signaling-lost":
      return { message: "You lost the connection to the server. The call ended.", kind: "error" };
    case "error":
      return { message: `The call with ${peer} failed.`, kind: "error" };
    default:
      return null;
  }
}
