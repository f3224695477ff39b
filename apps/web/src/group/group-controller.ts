import { GroupCall, SFU_FEATURE, SignalingError, type GroupLeaveReason, type SignalingClient } from "@switchboard/client";
import type { DeviceController } from "../media/device-controller.js";
import { fallbackNotice, groupVideoConstraints, openLocalMedia, stopStream } from "../media/local-media.js";
import { createDevicesMenu } from "../views/devices-menu.js";
import type { MediaSetupDialog, PrejoinChoice } from "../views/media-setup-dialog.js";
import { createFileSending } from "../files/file-sending.js";
import type { TransferList } from "../files/transfer-list.js";
import { createGroupBanner, MEDIA_SERVER_INTERRUPTED, type GroupPhase } from "../views/group-banner.js";
import { createGroupControls } from "../views/group-controls.js";
import { createGroupGrid } from "../views/group-grid.js";
import type { Notices } from "../views/notices.js";
import { groupTiles } from "./tile-model.js";
import { createGroupScreenShare } from "./group-screen-share.js";

export interface GroupControllerOptions {
  client: SignalingClient;
  /** #app: `data-group-state` mirrors the phase ("idle" | "joining" | "joined"). */
  root: HTMLElement;
  notices: Notices;
  /** True while a 1:1 call is on: one call at a time. */
  inOneToOneCall(): boolean;
  /** Joined or left (the user list disables 1:1 calling meanwhile). */
  onChange(): void;
  mount(parts: { banner: HTMLElement; grid: HTMLElement; controls: HTMLElement }): void;
  /** The pairs use TURN relays only (`?relay=1`), as 1:1 calls do. */
  relayOnly?: boolean;
  /** Cameras, microphones, speakers; the stream in the call is adopted so they switch live. */
  devices: DeviceController;
  /** The pre-join screen (preview, level meter, devices) that the banner's button opens. */
  setup: MediaSetupDialog;
  /** Where files sent and received in calls are listed. */
  transfers: TransferList;
}

export interface GroupController {
  /** In the group call, or joining it. */
  readonly inCall: boolean;
  /** Redraws the banner (e.g. a 1:1 call started or ended, so joining is (un)available). */
  refresh(): void;
  /** Leaves the call now (the others are told at once); nothing when not in it. */
  leave(): void;
  /** Mutes our microphone in the call as the Mute button does (the others see it muted). */
  muteMicrophone(): void;
}

/** What the user is told on leaving the call without asking to; a new reason must say something. */
const LEFT_TEXT: Record<GroupLeaveReason, string | undefined> = {
  left: undefined,
  "room-changed": "You left the group call: you changed rooms.",
  "signaling-lost": "You lost the connection to the server and left the group call.",
  "rejoin-refused": "You are back online, but the group call did not take you back (it may be full now). Join it again when there is room.",
  "ended-by-moderator": undefined, // The chat says who ended it (the `moderated` notice).
  error: "The group call failed.",
};

/**
 * The room's group call, from the UI's side: the banner everyone in the room sees, the grid of
 * tiles, the controls bar, and the camera. The media itself (a mesh, or the media server: who
 * offers, negotiation, simulcast layers, speaking and quality) is the SDK's GroupCall; the app
 * tells it the tiles' sizes, and says when the media server is interrupted and back.
 */
export function createGroupController(options: GroupControllerOptions): GroupController {
  const { client, root, notices } = options;
  let phase: GroupPhase = "idle";
  let hasAudio = false;
  let hasVideo = false;
  let micOn = true;
  let cameraOn = true;
  let renderQueued = false;
  /** In an SFU call whose media server is interrupted now (the banner says so until it is back). */
  let mediaServerInterrupted = false;
  /** What the pre-join screen opened, handed to the SDK by the next join (it stops it at leave). */
  let prejoined: PrejoinChoice | null = null;
  let releaseDevices: (() => void) | null = null;
  const { devices } = options;

  const group = new GroupCall(client, {
    localMedia: async () => {
      const choice = prejoined;
      prejoined = null;
      const local = choice?.media ?? (await openLocalMedia(undefined, groupVideoConstraints()));
      hasAudio = local.kind.includes("audio");
      hasVideo = local.kind.includes("video");
      controls.setCapabilities(hasAudio, hasVideo);
      const notice = fallbackNotice(local);
      if (notice) notices.show(notice, local.kind === "none" ? "error" : "warning");
      return local.stream;
    },
    ...(options.relayOnly ? { rtcConfiguration: { iceTransportPolicy: "relay" } } : {}),
  });
  const banner = createGroupBanner(() => void join());
  let pinned: string | null = null;
  const grid = createGroupGrid((element) => devices.attachSpeaker(element), {
    // Through the media server, each tile receives the simulcast layer its size needs; the enlarged one the top layer.
    sized: (name, size) => group.setVideoSize(name, size),
    enlarged(name) {
      if (pinned !== null) group.setPinned(pinned, false);
      pinned = name;
      if (name !== null) group.setPinned(name, true);
    },
  });
  const devicesMenu = createDevicesMenu(devices);
  const controls = createGroupControls({
    setMicrophone(enabled) {
      micOn = enabled;
      group.setMicrophone(enabled);
      scheduleRender();
    },
    setCamera(enabled) {
      cameraOn = enabled;
      group.setCamera(enabled);
      scheduleRender();
    },
    toggleScreenShare: () => screenShare.toggle(),
    leave: () => group.leave(),
  }, devicesMenu.element);
  const screenShare = createGroupScreenShare(group, { button: controls.screenShare, notices, changed: scheduleRender });
  const files = createFileSending({ transfers: options.transfers, notices, send: (file) => group.sendFile(file) });
  controls.addControl(files.control);
  files.dropOn(grid.element);
  options.mount({ banner: banner.element, grid: grid.element, controls: controls.element });
  // The shares go in the grid, after the tiles (which the grid keeps first); CSS shows them on top.
  grid.element.append(screenShare.tiles.element);

  group.on("participants", scheduleRender);
  group.on("peer-joined", scheduleRender);
  group.on("peer-left", scheduleRender);
  group.on("peer-updated", scheduleRender);
  group.on("joined", () => {
    const stream = group.localStream;
    if (stream) releaseDevices = devices.adopt(stream, (track) => group.replaceTrack(track), groupVideoConstraints());
    setPhase("joined");
  });
  group.on("file-offer", (transfer) => files.offered(transfer));
  group.on("left", (reason) => {
    releaseDevices?.();
    releaseDevices = null;
    devicesMenu.close();
    setPhase("idle");
    const text = LEFT_TEXT[reason];
    if (text) notices.show(text, reason === "room-changed" ? "info" : "warning");
  });
  group.on("media-server", ({ state }) => {
    if (state === "interrupted") notices.show(MEDIA_SERVER_INTERRUPTED, "warning");
    else if (mediaServerInterrupted) notices.show("The media server is back: the call goes on.", "info");
    mediaServerInterrupted = state === "interrupted";
    scheduleRender();
  });
  group.on("error", (error) => console.warn("switchboard group call:", error));

  async function join(): Promise<void> {
    if (phase !== "idle" || options.inOneToOneCall()) return;
    setPhase("joining");
    const choice = await options.setup.prejoin(group.participants.length === 0 ? "Start the group call" : "Join the group call", groupVideoConstraints());
    if (!choice || options.inOneToOneCall()) {
      if (choice) choice.release();
      stopStream(choice?.media.stream ?? null);
      return setPhase("idle");
    }
    prejoined = choice;
    micOn = choice.audio;
    cameraOn = choice.video;
    group.setMicrophone(micOn);
    group.setCamera(cameraOn);
    try {
      await group.join();
      controls.set(micOn, cameraOn);
      setPhase(group.joined ? "joined" : "idle");
    } catch (error) {
      // Refused before the SDK took the stream (it stops what it took): ours to stop.
      if (prejoined === choice) stopStream(choice.media.stream);
      prejoined = null;
      choice.release();
      setPhase("idle");
      notices.show(joinFailure(error, groupCallCap(client)), "error");
    }
  }

  function setPhase(next: GroupPhase): void {
    if (next === phase) return;
    phase = next;
    root.dataset.groupState = next;
    if (next === "idle") {
      micOn = true;
      cameraOn = true;
      mediaServerInterrupted = false;
      controls.reset();
    }
    controls.show(next === "joined");
    render();
    options.onChange();
  }

  /** Events come in bursts (a join brings several peers): one redraw per turn, no animation frame (background tabs get none). */
  function scheduleRender(): void {
    if (renderQueued) return;
    renderQueued = true;
    queueMicrotask(() => {
      renderQueued = false;
      render();
    });
  }

  function render(): void {
    const self = client.name;
    banner.render({
      participants: group.participants,
      self,
      phase,
      canJoin: !options.inOneToOneCall(),
      media: group.media,
      interrupted: phase === "joined" && mediaServerInterrupted,
    });
    // Files go over the pairs' own connections: none in a call through the media server.
    files.setEnabled(phase === "joined" && group.media === "mesh");
    screenShare.render(phase === "joined");
    if (phase !== "joined" || self === null) return grid.clear();
    grid.render(
      groupTiles({
        self,
        participants: group.participants,
        peers: group.peers,
        local: { stream: group.localStream, audio: hasAudio && micOn, video: hasVideo && cameraOn },
      }),
    );
  }

  root.dataset.groupState = phase;
  render();
  return {
    get inCall() {
      return phase !== "idle";
    },
    refresh: scheduleRender,
    leave: () => group.leave(),
    muteMicrophone: () => controls.muteMicrophone(),
  };
}

/** The most people a group call here takes: the media server's cap where there is one. */
function groupCallCap(client: SignalingClient): number | undefined {
  const welcome = client.welcome;
  return welcome?.features.includes(SFU_FEATURE) ? welcome.limits.maxSfuParticipants : welcome?.limits.maxMeshParticipants;
}

function joinFailure(error: unknown, cap: number | undefined): string {
  if (error instanceof SignalingError && error.code === "group-call-full") {
    return cap ? `The group call is full: at most ${cap} people can be in it.` : "The group call is full.";
  }
  // E.g. "media-unavailable" (too large for a mesh, and the media server cannot be reached): the server's words.
  return `Could not join the group call: ${error instanceof Error ? error.message : String(error)}`;
}
