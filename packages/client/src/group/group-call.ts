import type { GroupCallMedia } from "@switchboard/protocol";
import { MediaOwnership } from "../call/media-ownership.js";
import type { SignalingClient } from "../signaling/signaling-client.js";
import type { IncomingCallMessage } from "../signaling/signaling-types.js";
import { TypedEmitter, type Disposer } from "../typed-emitter.js";
import type { OutgoingFileTransfer } from "../files/outgoing-transfer.js";
import {
  DEFAULT_GROUP_CALL_OPTIONS,
  type GroupCallEvents,
  type GroupCallOptions,
  type GroupLeaveReason,
  type GroupPeer,
  type MediaServerState,
  type VideoSize,
} from "./group-call-types.js";
import { GroupRejoin } from "./group-rejoin.js";
import { GroupMedia } from "./group-media.js";
import { MeshEngine } from "./mesh-engine.js";
import { OwnMedia } from "./own-media.js";
import { ScreenShare, type ScreenSharing } from "../media/screen-share.js";
import { PeerPolling } from "./peer-polling.js";
import { SfuEngine } from "./sfu-engine.js";
import { LayerWishes } from "./sfu-layers.js";
import { joinRefusal, leftFirst, newStay, type Stay } from "./stay.js";


/**
 * The group call of the room a SignalingClient is in. Everyone in the room sees who is in it
 * (`participants`); join() and leave() at any time. Its media flows through an engine (see
 * MediaEngine): a mesh, one Call per other participant (MeshEngine), or the media server of a
 * server with "sfu" in `welcome.features` (SfuEngine), as the room's `group-call` says. The app
 * sees the same tiles (GroupPeer) either way; a call that moves to the media server midway
 * keeps them. While we are in the group call we are busy for 1:1 calls.
 *
 * A signaling drop that resumes changes nothing (the pairs' media does not go through the
 * server; their ICE restarts wait in the send queue). A fresh session (a server restart, an
 * expired resume: the server forgot the call) does not end our stay either: we join the new
 * server's call again and keep the pairs of those who come back to it (see GroupRejoin). A
 * room switch, a closed client, our name coming back different or a moderator's end-call ends it.
 */
export class GroupCall {
  readonly options: Readonly<GroupCallOptions>;
  readonly #events = new TypedEmitter<GroupCallEvents>();
  readonly #subscriptions: Disposer[];
  /** The app's tiles' sizes: the simulcast layers an SFU call asks for. */
  readonly #layers = new LayerWishes();
  /** What local media the SDK opened for a stay, so that it stops it at the end. */
  readonly #media = new MediaOwnership<Stay>((stay) => stay.over);
  #participants: readonly string[];
  #stay: Stay | null = null;
  readonly #own = new OwnMedia((message) => this.signaling.send(message));
  /** Our screen share, sent to every pair (new ones too). */
  readonly #screen = new ScreenShare({
    unavailable: () => (this.joined ? null : "join the group call first"),
    calls: () => this.#engine?.screenTargets() ?? [],
    announce: (streamId) => this.#own.setScreen(streamId, this.joined),
    changed: (stream) => this.#events.emit("local-screen-share", stream),
  });
  readonly #polling: PeerPolling;
  /** After a fresh session: back into the new server's call. */
  readonly #rejoin: GroupRejoin;
  /** How the call's media flows while we are in it, and the tiles it brings. */
  readonly #stayMedia: GroupMedia;

  constructor(
    readonly signaling: SignalingClient,
    options: Partial<GroupCallOptions> = {},
  ) {
    this.options = Object.freeze({ RTCPeerConnection: undefined, MediaStream: undefined, ...DEFAULT_GROUP_CALL_OPTIONS, ...options });
    this.#participants = signaling.groupCall;
    this.#stayMedia = new GroupMedia({
      signaling,
      options: this.options,
      events: this.#events,
      own: this.#own,
      screen: this.#screen,
      layers: this.#layers,
      participants: () => this.#participants,
      forget: (name) => this.#rejoin.forget(name),
      error: (error) => this.#error(error),
    });
    this.#polling = new PeerPolling(() => this.#engine?.polled() ?? [], {
      speakingMs: this.options.speakingIntervalMs,
      qualityMs: this.options.qualityIntervalMs,
    });
    this.#subscriptions = [
      signaling.on("group-call", (participants) => this.#onParticipants(participants)),
      signaling.on("signal", (message) => this.#onSignal(message)),
      signaling.on("sfu-status", (message) => {
        if (this.#stay) this.#stayMedia.sfu(message);
      }),
      signaling.on("sfu-offer", (message) => {
        if (this.#stay) this.#stayMedia.sfu(message);
      }),
      // A fresh session: the server forgot our media-server connections with the call.
      signaling.on("welcome", (welcome) => {
        if (welcome.resumed !== true && this.#engine instanceof SfuEngine) this.#engine.restart();
      }),
      signaling.on("room", () => this.#onRoom()),
      // Logged in again under another name (ours was taken meanwhile): the others cannot reach us.
      signaling.on("renamed", ({ name }) => {
        if (this.#stay && this.#stay.self !== name) this.#endStay("signaling-lost", false);
      }),
      signaling.on("state", (state) => {
        if (state === "closed") this.#endStay("signaling-lost", false);
      }),
      signaling.on("moderated", ({ action }) => {
        if (action === "end-call" && this.joined) this.#endStay("ended-by-moderator", false);
      }),
      signaling.on("ice-servers", (iceServers) => {
        if (this.options.rtcConfiguration.iceServers) return;
        this.#engine?.setIceServers([...iceServers]);
      }),
    ];
    this.#rejoin = new GroupRejoin({
      signaling,
      graceMs: this.options.rejoinGraceMs,
      stay: () => (this.#stay?.joined ? this.#stay : null),
      peers: () => this.#engine?.peers.keys() ?? [],
      participants: () => this.#participants,
      end: (reason, notify) => this.#endStay(reason, notify),
      gone: (name) => this.#engine?.drop(name, false, "gone"),
      error: (error) => this.#error(error),
    });
  }

  get #engine(): MeshEngine | SfuEngine | null {
    return this.#stayMedia.engine;
  }

  on<E extends keyof GroupCallEvents>(event: E, listener: GroupCallEvents[E]): Disposer {
    return this.#events.on(event, listener);
  }

  /** The room's group call, in join order, whether we are in it or not. */
  get participants(): readonly string[] {
    return this.#participants;
  }

  /** How the room's call carries media: each pair directly ("mesh"), or through the media server ("sfu"). */
  get media(): GroupCallMedia {
    return this.signaling.groupCallMedia;
  }

  /** In an SFU call: the media server's state (null before it is first ready, and in a mesh). */
  get mediaServer(): MediaServerState | null {
    return this.#engine instanceof SfuEngine ? this.#engine.state : null;
  }

  /** We are in the call (join() resolved, no leave since). */
  get joined(): boolean {
    return this.#stay?.joined === true;
  }

  /** Our camera and microphone while in the call (null: receive only, or not in the call). */
  get localStream(): MediaStream | null {
    return this.#own.stream;
  }

  /** The other participants we are connected (or connecting) to. */
  get peers(): ReadonlyMap<string, GroupPeer> {
    return this.#engine?.peers ?? new Map();
  }

  /** Our microphone and camera as the others are told (see setMicrophone / setCamera). */
  get audio(): boolean {
    return this.#own.audio;
  }

  get video(): boolean {
    return this.#own.video;
  }

  /**
   * Joins the room's group call (starting it when nobody is in it): opens local media, then
   * `group-join`, then a pair with each participant. Rejects with a SignalingError
   * "group-call-full" past the server's cap, and with an Error when not logged in, when busy in
   * a 1:1 call, or when leave() came first. A second call while joining or joined gives the same promise.
   */
  join(): Promise<void> {
    if (this.#stay) return this.#stay.joining;
    const peerConnection = this.options.RTCPeerConnection ?? (globalThis as { RTCPeerConnection?: unknown }).RTCPeerConnection;
    const refusal = joinRefusal(this.signaling, this.#participants, peerConnection !== undefined);
    if (refusal) return Promise.reject(refusal);
    const stay = newStay(this.signaling.name!, this.signaling.room ?? "");
    this.#stay = stay;
    stay.joining = this.#join(stay);
    return stay.joining;
  }

  /** Leaves the call: hangs up every pair, says `group-leave`, stops the media the SDK opened. */
  leave(): void {
    this.#endStay("left", true);
  }

  /** Turns our microphone on or off (track.enabled) and tells the others (`media-state`). */
  setMicrophone(enabled: boolean): void {
    this.#own.switch("audio", enabled, this.joined);
  }

  /** Turns our camera on or off (track.enabled) and tells the others. */
  setCamera(enabled: boolean): void {
    this.#own.switch("video", enabled, this.joined);
  }

  /** A device switch for every peer and later joiners, without renegotiation (see OwnMedia.replace); resolves with the replaced track. */
  replaceTrack(track: MediaStreamTrack): Promise<MediaStreamTrack | null> {
    return this.#own.replace(track, this.#engine?.trackTargets() ?? [], (error) => this.#error(error));
  }

  /** Our screen share while joined, to everyone (and whoever joins later; GroupPeer.screen on their side). */
  get screenShare(): ScreenSharing {
    return this.#screen;
  }

  /**
   * SFU calls: `name`'s tile is shown this size (CSS pixels; null: not shown), so its camera
   * comes in the simulcast layer that size needs (see layerForSize: up to 200 px wide the
   * smallest, up to 400 px the middle one, else the full size); `sfu-layer` goes out only when
   * that layer changes. Kept while we are in the call, across a move to the media server. In a
   * mesh call it changes nothing.
   */
  setVideoSize(name: string, size: VideoSize | null): void {
    this.#layers.setSize(name, size);
  }

  /** SFU calls: a pinned (or enlarged) tile gets the full-size layer whatever its size. Nothing in a mesh call. */
  setPinned(name: string, pinned: boolean): void {
    this.#layers.setPinned(name, pinned);
  }

  /**
   * Offers a file to every other participant: one transfer per peer (`transfer.peer`). Throws
   * when not in the call, and in an SFU call (files go over the pairs' own connections).
   */
  sendFile(file: Blob, options?: { name?: string }): OutgoingFileTransfer[] {
    if (!this.joined || !this.#engine) throw new Error("GroupCall.sendFile: not in the call.");
    if (this.#engine instanceof SfuEngine) throw new Error("GroupCall.sendFile: files need direct connections, and this call goes through the media server.");
    return this.#engine.sendFile(file, options);
  }

  /** Leaves the call and stops listening to signaling. */
  dispose(): void {
    this.leave();
    for (const dispose of this.#subscriptions.splice(0)) dispose();
    this.#rejoin.dispose();
  }

  // --- joining and leaving ---------------------------------------------------------------------

  async #join(stay: Stay): Promise<void> {
    const stream = await this.#media.acquire(stay, this.options.localMedia, (error) => this.#error(error));
    if (stay.over) throw leftFirst();
    try {
      await this.signaling.request({ type: "group-join" });
    } catch (error) {
      if (!stay.over) this.#dropStay(stay);
      throw error;
    }
    if (stay.over) {
      // leave() while the server was letting us in: out again.
      this.signaling.send({ type: "group-leave" });
      throw leftFirst();
    }
    stay.joined = true;
    stay.releaseBusy = this.signaling.holdBusy();
    this.#own.stream = stream;
    this.#polling.start();
    this.#events.emit("joined");
    this.#stayMedia.connect(stay);
  }

  /**
   * Ends the current stay, if any. `notify`: hang up each pair and say `group-leave` (not when
   * the server already dropped us: another room, a lost session).
   */
  #endStay(reason: GroupLeaveReason, notify: boolean): void {
    const stay = this.#stay;
    if (!stay) return;
    const wasJoined = stay.joined;
    this.#stayMedia.dropAll(notify && wasJoined, reason === "left" ? "hung-up" : "signaling-lost");
    this.#dropStay(stay);
    if (notify && wasJoined) this.signaling.send({ type: "group-leave" });
    if (wasJoined) this.#events.emit("left", reason);
  }

  #dropStay(stay: Stay): void {
    if (this.#stay === stay) this.#stay = null;
    stay.over = true;
    this.#rejoin.stop();
    this.#polling.stop();
    this.#stayMedia.clear();
    this.#layers.clear();
    this.#media.release(stay);
    this.#screen.close();
    this.#own.setScreen(null, false);
    this.#own.stream = null;
    stay.releaseBusy?.();
    stay.releaseBusy = null;
  }

  // --- what the server and the peers say -------------------------------------------------------

  #onParticipants(participants: readonly string[]): void {
    this.#participants = participants;
    this.#events.emit("participants", participants);
    const stay = this.#stay;
    const self = this.signaling.name;
    // Listed with no stay of ours: a join whose answer was lost with the connection. Out again.
    if (!stay && self !== null && participants.includes(self)) this.signaling.send({ type: "group-leave" });
    if (!stay?.joined) return;
    if (participants.includes(stay.self)) stay.listed = true;
    else if (stay.listed) return this.#endStay("error", false);
    const engine = this.#engine;
    for (const name of [...(engine?.peers.keys() ?? [])]) {
      // Not listed: gone, unless still awaited in the new server's call (after a fresh session).
      if (!participants.includes(name) && !this.#rejoin.awaits(name)) engine?.drop(name, false, "gone");
    }
    if (stay.listed) for (const name of this.#rejoin.back(participants)) engine?.back(name);
    this.#stayMedia.connect(stay);
  }

  #onSignal(message: IncomingCallMessage): void {
    const stay = this.#stay;
    if (!stay?.joined) return;
    const from = message.from;
    if (message.type === "media-state") {
      return this.#stayMedia.mediaState(from, { audio: message.audio, video: message.video, screen: message.screen ?? null });
    }
    if (this.#engine instanceof MeshEngine) this.#engine.signal(message);
  }

  /** Another room: its group call is not ours, and its snapshot follows. */
  #onRoom(): void {
    this.#endStay("room-changed", false);
    if (this.#participants.length === 0) return;
    this.#participants = Object.freeze([]);
    this.#events.emit("participants", this.#participants);
  }

  #error(error: unknown): void {
    this.#events.emit("error", error instanceof Error ? error : new Error(String(error)));
  }
}
