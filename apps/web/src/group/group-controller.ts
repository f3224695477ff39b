import { GroupCall, SignalingError, type GroupLeaveReason, type SignalingClient } from "@switchboard/client";
import { createFileSending } from "../files/file-sending.js";
import type { TransferList } from "../files/transfer-list.js";
import { fallbackNotice, groupVideoConstraints, openLocalMedia } from "../media/local-media.js";
import { createGroupBanner, type GroupPhase } from "../views/group-banner.js";
import { createGroupControls } from "../views/group-controls.js";
import { createGroupGrid } from "../views/group-grid.js";
import type { Notices } from "../views/notices.js";
import { groupTiles } from "./tile-model.js";

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
}

/** What the user is told on leaving the call without asking to; a new reason must say something. */
const LEFT_TEXT: Record<GroupLeaveReason, string | undefined> = {
  left: undefined,
  "room-changed": "You left the group call: you changed rooms.",
  "signaling-lost": "You lost the connection to the server and left the group call.",
  "rejoin-refused": "You are back online, but the group call did not take you back (it may be full now). Join it again when there is room.",
  error: "The group call failed.",
};

/**
 * The room's group call, from the UI's side: the banner everyone in the room sees, the grid of
 * tiles, the controls bar, and the camera. The mesh itself (who offers, perfect negotiation,
 * speaking and quality) is the SDK's GroupCall.
 */
export function createGroupController(options: GroupControllerOptions): GroupController {
  const { client, root, notices } = options;
  let phase: GroupPhase = "idle";
  let hasAudio = false;
  let hasVideo = false;
  let micOn = true;
  let cameraOn = true;
  let renderQueued = false;

  const group = new GroupCall(client, {
    localMedia: async () => {
      const local = await openLocalMedia(undefined, groupVideoConstraints());
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
  const grid = createGroupGrid();
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
    leave: () => group.leave(),
  });
  const files = createFileSending({ transfers: options.transfers, notices, send: (file) => group.sendFile(file) });
  controls.addControl(files.control);
  files.dropOn(grid.element);
  options.mount({ banner: banner.element, grid: grid.element, controls: controls.element });

  group.on("participants", scheduleRender);
  group.on("peer-joined", scheduleRender);
  group.on("peer-left", scheduleRender);
  group.on("peer-updated", scheduleRender);
  group.on("joined", () => setPhase("joined"));
  group.on("file-offer", (transfer) => files.offered(transfer));
  group.on("left", (reason) => {
    setPhase("idle");
    const text = LEFT_TEXT[reason];
    if (text) notices.show(text, reason === "room-changed" ? "info" : "warning");
  });
  group.on("error", (error) => console.warn("switchboard group call:", error));

  async function join(): Promise<void> {
    if (phase !== "idle" || options.inOneToOneCall()) return;
    setPhase("joining");
    try {
      await group.join();
      setPhase(group.joined ? "joined" : "idle");
    } catch (error) {
      setPhase("idle");
      notices.show(joinFailure(error, client.welcome?.limits?.maxMeshParticipants), "error");
    }
  }

  function setPhase(next: GroupPhase): void {
    if (next === phase) return;
    phase = next;
    root.dataset.groupState = next;
    if (next === "idle") {
      micOn = true;
      cameraOn = true;
      controls.reset();
    }
    controls.show(next === "joined");
    files.setEnabled(next === "joined");
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
    banner.render({ participants: group.participants, self, phase, canJoin: !options.inOneToOneCall() });
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
  };
}

function joinFailure(error: unknown, cap: number | undefined): string {
  if (error instanceof SignalingError && error.code === "group-call-full") {
    return cap ? `The group call is full: at most ${cap} people can be in it.` : "The group call is full.";
  }
  return `Could not join the group call: ${error instanceof Error ? error.message : String(error)}`;
}
