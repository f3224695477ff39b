import { h } from "../dom.js";
import { describeQuality, formatDuration, qualityLevel, type QualityInput } from "../format.js";
import { createScreenShareButton, type ScreenShareButton } from "./screen-share-button.js";
import { createScreenTiles, type ScreenTiles } from "./screen-tiles.js";

/** What the call view shows; `idle` hides it. */
export type CallPhase = "idle" | "ringing-out" | "connecting" | "active";

export interface CallControls {
  hangUp(): void;
  setMicrophoneMuted(muted: boolean): void;
  setCameraOff(off: boolean): void;
  toggleScreenShare(): void;
}

export interface QualitySample extends QualityInput {
  /** Inbound video frames decoded so far (the e2e suite watches this rise). */
  framesDecoded?: number | null | undefined;
}

export interface CallView {
  readonly element: HTMLElement;
  show(phase: CallPhase, peer: string | null): void;
  setLocalStream(stream: MediaStream | null): void;
  setRemoteStream(stream: MediaStream | null): void;
  setQuality(sample: QualitySample | null): void;
  /** Whether local audio/video exist, to enable the toggles. */
  setLocalCapabilities(audio: boolean, video: boolean): void;
  /** The screen-share toggle and the shares, which take the stage (the remote camera becomes an inset). */
  readonly screenShare: { button: ScreenShareButton; tiles: ScreenTiles };
  /** Puts another control into the toolbar, before Hang up. */
  addControl(control: HTMLElement): void;
  /** Mutes the microphone as its button does (a moderator asked us to). */
  muteMicrophone(): void;
}

/** Shown over the empty stage until the remote video plays. */
const STAGE_TEXT: Record<CallPhase, (peer: string) => string> = {
  idle: () => "",
  "ringing-out": (peer) => `Ringing ${peer}…`,
  connecting: () => "Connecting…",
  active: () => "",
};

const PHASE_TEXT: Record<CallPhase, (peer: string) => string> = {
  idle: () => "",
  "ringing-out": (peer) => `Calling ${peer}…`,
  connecting: (peer) => `Connecting to ${peer}…`,
  active: (peer) => `In call with ${peer}`,
};

/** What the device feature adds: its menu on the controls bar, and the chosen speaker for the remote video. */
export interface CallViewDevices {
  menu: HTMLElement;
  attachSpeaker(element: HTMLMediaElement): void;
}

/** The in-call screen: remote video large, own view small and muted, controls, timer, quality. */
export function createCallView(controls: CallControls, devices?: CallViewDevices): CallView {
  let phase: CallPhase = "idle";
  let activeSince = 0;
  let timer: ReturnType<typeof setInterval> | undefined;
  let micMuted = false;
  let cameraOff = false;

  const remoteVideo = h("video", { className: "remote-video", attrs: { autoplay: true, playsinline: true, "aria-label": "Remote video" } });
  const localVideo = h("video", { className: "local-video", attrs: { autoplay: true, playsinline: true, muted: true, "aria-label": "Your camera" } });
  localVideo.muted = true;
  devices?.attachSpeaker(remoteVideo);
  const placeholder = h("div", { className: "remote-placeholder", attrs: { "aria-hidden": "true" } });
  const title = h("h2", { className: "call-title", attrs: { id: "call-title" } });
  const duration = h("span", { className: "call-duration", text: "0:00", attrs: { role: "timer", "aria-label": "Call duration" } });
  const quality = h("span", { className: "quality quality-unknown", text: "measuring…", attrs: { "aria-label": "Connection quality", "data-quality": "unknown" } });

  const micButton = h("button", {
    className: "control",
    text: "Mute",
    attrs: { type: "button", "aria-pressed": "false", "aria-label": "Mute microphone" },
    on: { click: () => setMic(!micMuted) },
  });
  const cameraButton = h("button", {
    className: "control",
    text: "Camera off",
    attrs: { type: "button", "aria-pressed": "false", "aria-label": "Turn camera off" },
    on: { click: () => setCamera(!cameraOff) },
  });
  const screenShare = { button: createScreenShareButton(() => controls.toggleScreenShare()), tiles: createScreenTiles() };
  const hangUpButton = h("button", {
    className: "control control-danger",
    text: "Hang up",
    attrs: { type: "button", "aria-label": "Hang up" },
    on: { click: () => controls.hangUp() },
  });

  const element = h("section", { className: "call", attrs: { "aria-labelledby": "call-title", hidden: true } }, [
    h("div", { className: "call-header" }, [title, h("div", { className: "call-meta" }, [duration, quality])]),
    h("div", { className: "stage" }, [screenShare.tiles.element, remoteVideo, placeholder, localVideo]),
    h("div", { className: "controls", attrs: { role: "toolbar", "aria-label": "Call controls" } }, [micButton, cameraButton, screenShare.button.element, devices?.menu, hangUpButton]),
  ]);

  function setMic(muted: boolean): void {
    micMuted = muted;
    micButton.setAttribute("aria-pressed", String(muted));
    micButton.textContent = muted ? "Unmute" : "Mute";
    micButton.setAttribute("aria-label", muted ? "Unmute microphone" : "Mute microphone");
    controls.setMicrophoneMuted(muted);
  }

  function setCamera(off: boolean): void {
    cameraOff = off;
    cameraButton.setAttribute("aria-pressed", String(off));
    cameraButton.textContent = off ? "Camera on" : "Camera off";
    cameraButton.setAttribute("aria-label", off ? "Turn camera on" : "Turn camera off");
    localVideo.classList.toggle("is-off", off);
    controls.setCameraOff(off);
  }

  function tick(): void {
    duration.textContent = formatDuration(Date.now() - activeSince);
  }

  return {
    element,
    show(next, peer) {
      const wasActive = phase === "active";
      phase = next;
      element.hidden = next === "idle";
      element.dataset.phase = next;
      title.textContent = PHASE_TEXT[next](peer ?? "");
      placeholder.textContent = STAGE_TEXT[next](peer ?? "");
      screenShare.button.element.disabled = next !== "active";
      hangUpButton.textContent = next === "ringing-out" ? "Cancel" : "Hang up";
      hangUpButton.setAttribute("aria-label", next === "ringing-out" ? "Cancel call" : "Hang up");
      if (next === "active" && !wasActive) {
        activeSince = Date.now();
        tick();
        clearInterval(timer);
        timer = setInterval(tick, 1000);
      }
      if (next !== "active") {
        clearInterval(timer);
        timer = undefined;
        duration.textContent = "0:00";
      }
      if (next === "idle") {
        if (micMuted) setMic(false);
        if (cameraOff) setCamera(false);
        this.setQuality(null);
        remoteVideo.srcObject = null;
        localVideo.srcObject = null;
      }
    },
    setLocalStream(stream) {
      localVideo.srcObject = stream;
      localVideo.classList.toggle("is-empty", !stream || stream.getVideoTracks().length === 0);
    },
    setRemoteStream(stream) {
      remoteVideo.srcObject = stream;
      if (stream) void remoteVideo.play().catch(() => undefined);
    },
    setQuality(sample) {
      const level = sample ? qualityLevel(sample) : "unknown";
      quality.className = `quality quality-${level}`;
      quality.dataset.quality = level;
      quality.textContent = sample ? describeQuality(sample) : "measuring…";
      quality.title = `Connection quality: ${level}`;
      if (sample && typeof sample.framesDecoded === "number") quality.dataset.framesDecoded = String(sample.framesDecoded);
      else delete quality.dataset.framesDecoded;
    },
    setLocalCapabilities(audio, video) {
      micButton.disabled = !audio;
      cameraButton.disabled = !video;
    },
    screenShare,
    addControl(control) {
      hangUpButton.before(control);
    },
    muteMicrophone() {
      if (phase !== "idle" && !micMuted && !micButton.disabled) setMic(true);
    },
  };
}
