import type { CallEndReason } from "../call/call-state.js";
import { MediaOwnership } from "../call/media-ownership.js";
import { reportSetupOnConnect } from "../call/setup-report.js";
import { sharedCallOptions } from "../call/shared-call-options.js";
import type { SignalingClient } from "../signaling/signaling-client.js";
import type { IncomingCallMessage } from "../signaling/signaling-types.js";
import { TypedEmitter, type Disposer } from "../typed-emitter.js";
import type { OutgoingFileTransfer } from "../files/outgoing-transfer.js";
import { DEFAULT_GROUP_CALL_OPTIONS, type GroupCallEvents, type GroupCallOptions, type GroupLeaveReason, type GroupPeer } from "./group-call-types.js";
import { GroupRejoin } from "./group-rejoin.js";
import { OwnMedia } from "./own-media.js";
import { GroupPair, type PeerMediaState } from "./group-pair.js";
import { ScreenShare, type ScreenSharing } from "../media/screen-share.js";
import { PairRepairs } from "./pair-repairs.js";
import { PeerPolling } from "./peer-polling.js";
import { joinRefusal, leftFirst, newStay, type Stay } from "./stay.js";
import { isGroupCallId, isPoliteInGroup, offersTo, pairCallId } from "./group-roles.js";

export { DEFAULT_GROUP_CALL_OPTIONS, type GroupCallEvents, type GroupCallOptions, type GroupLeaveReason, type GroupPeer };

/**
 * The group call of the room a SignalingClient is in: a mesh, one Call per other participant.
 * Everyone in the room sees who is in it (`participants`); join() and leave() at any time.
 *
 * Roles need no extra message (see group-roles.ts): who joins offers to each one already there;
 * whoever was there waits for that offer. The pairs negotiate with the ordinary call messages
 * under the pair's call id `group:<room>:<a>|<b>`, so CallManager (1:1 calls) leaves them alone,
 * and while we are in the group call we are busy for 1:1 calls.
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
  readonly #pairs = new Map<string, GroupPair>();
  /** What local media the SDK opened for a stay, so that it stops it at the end. */
  readonly #media = new MediaOwnership<Stay>((stay) => stay.over);
  /** `media-state`s of participants we have no pair with yet. */
  readonly #earlyStates = new Map<string, PeerMediaState>();
  #participants: readonly string[];
  #stay: Stay | null = null;
  readonly #own = new OwnMedia((message) => this.signaling.send(message));
  /** Our screen share, sent to every pair (new ones too). */
  readonly #screen = new ScreenShare({
    unavailable: () => (this.joined ? null : "join the group call first"),
    calls: () => [...this.#pairs.values()].map((pair) => pair.call),
    announce: (streamId) => this.#own.setScreen(streamId, this.joined),
    changed: (stream) => this.#events.emit("local-screen-share", stream),
  });
  readonly #polling: PeerPolling;
  readonly #repairs: PairRepairs;
  /** After a fresh session: back into the new server's call. */
  readonly #rejoin: GroupRejoin;

  constructor(
    readonly signaling: SignalingClient,
    options: Partial<GroupCallOptions> = {},
  ) {
    this.options = Object.freeze({ RTCPeerConnection: undefined, MediaStream: undefined, ...DEFAULT_GROUP_CALL_OPTIONS, ...options });
    this.#participants = signaling.groupCall;
    this.#repairs = new PairRepairs(this.options.repairDelayMs);
    this.#polling = new PeerPolling(() => this.#pairs.values(), {
      speakingMs: this.options.speakingIntervalMs,
      qualityMs: this.options.qualityIntervalMs,
    });
    this.#subscriptions = [
      signaling.on("group-call", (participants) => this.#onParticipants(participants)),
      signaling.on("signal", (message) => this.#onSignal(message)),
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
        for (const pair of this.#pairs.values()) pair.call.setIceServers([...iceServers]);
      }),
    ];
    this.#rejoin = new GroupRejoin({
      signaling,
      graceMs: this.options.rejoinGraceMs,
      stay: () => (this.#stay?.joined ? this.#stay : null),
      peers: () => this.#pairs.keys(),
      participants: () => this.#participants,
      end: (reason, notify) => this.#endStay(reason, notify),
      gone: (name) => this.#dropPair(name, false, "gone"),
      error: (error) => this.#error(error),
    });
  }

  on<E extends keyof GroupCallEvents>(event: E, listener: GroupCallEvents[E]): Disposer {
    return this.#events.on(event, listener);
  }

  /** The room's group call, in join order, whether we are in it or not. */
  get participants(): readonly string[] {
    return this.#participants;
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
    return new Map([...this.#pairs].map(([name, pair]) => [name, pair.peer]));
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
    return this.#own.replace(track, [...this.#pairs.values()].map((pair) => pair.call), (error) => this.#error(error));
  }

  /** Our screen share while joined, to everyone (and whoever joins later; GroupPeer.screen on their side). */
  get screenShare(): ScreenSharing {
    return this.#screen;
  }

  /** Offers a file to every other participant: one transfer per peer (`transfer.peer`). Throws when not in the call. */
  sendFile(file: Blob, options?: { name?: string }): OutgoingFileTransfer[] {
    if (!this.joined) throw new Error("GroupCall.sendFile: not in the call.");
    return [...this.#pairs.values()].map((pair) => pair.files.send(file, options));
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
    this.#connectToParticipants(stay);
  }

  /**
   * Ends the current stay, if any. `notify`: hang up each pair and say `group-leave` (not when
   * the server already dropped us: another room, a lost session).
   */
  #endStay(reason: GroupLeaveReason, notify: boolean): void {
    const stay = this.#stay;
    if (!stay) return;
    const wasJoined = stay.joined;
    this.#dropStay(stay);
    for (const name of [...this.#pairs.keys()]) this.#dropPair(name, notify && wasJoined, reason === "left" ? "hung-up" : "signaling-lost");
    if (notify && wasJoined) this.signaling.send({ type: "group-leave" });
    if (wasJoined) this.#events.emit("left", reason);
  }

  #dropStay(stay: Stay): void {
    if (this.#stay === stay) this.#stay = null;
    stay.over = true;
    this.#rejoin.stop();
    this.#polling.stop();
    this.#repairs.clear();
    this.#media.release(stay);
    this.#screen.close();
    this.#own.setScreen(null, false);
    this.#own.stream = null;
    this.#earlyStates.clear();
    stay.releaseBusy?.();
    stay.releaseBusy = null;
  }

  /** A peer we kept our pair with is in the new server's call with us again. */
  #pairBack(stay: Stay, name: string): void {
    const pair = this.#pairs.get(name);
    if (!pair) return;
    // What we said meanwhile reached nobody. The one who offers (the later joiner) restarts ICE:
    // fresh candidates, and the new server learns that we are partners, so our untargeted
    // `media-state` reaches them again.
    this.#own.tell(name);
    if (offersTo(stay.self, name, this.#participants)) pair.call.restartIce();
  }

  // --- the mesh --------------------------------------------------------------------------------

  /** A pair with each participant we have none with: we offer to those who were there first. */
  #connectToParticipants(stay: Stay): void {
    for (const name of this.#participants) {
      if (name !== stay.self && !this.#pairs.has(name)) this.#openPair(stay, name, offersTo(stay.self, name, this.#participants));
    }
  }

  #openPair(stay: Stay, remote: string, initiator: boolean): GroupPair | null {
    let pair: GroupPair;
    try {
      pair = new GroupPair(
        {
          call: {
            remote,
            callId: pairCallId(stay.room, stay.self, remote),
            polite: isPoliteInGroup(stay.self, remote),
            initiator,
            localStream: this.#own.stream,
            send: (message) => this.signaling.send(message),
            ...sharedCallOptions(this.options, this.signaling.iceServers),
          },
          speaking: this.options.speaking,
          mediaState: this.#earlyStates.get(remote),
        },
        {
          updated: (changed) => {
            if (this.#pairs.get(changed.name) === changed) this.#events.emit("peer-updated", changed.peer);
          },
          ended: (ended, reason) => {
            if (this.#pairs.get(ended.name) !== ended) return;
            this.#dropPair(ended.name, true, reason);
            this.#repair(stay, ended.name);
          },
          screenShared: (shared, stream) => {
            if (this.#pairs.get(shared.name) === shared) this.#events.emit("screen-share", shared.name, stream);
          },
          error: (error) => this.#error(error),
          fileOffer: (transfer) => this.#events.emit("file-offer", transfer),
        },
      );
    } catch (error) {
      this.#error(error);
      return null;
    }
    this.#earlyStates.delete(remote);
    this.#pairs.set(remote, pair);
    reportSetupOnConnect(pair.call, this.signaling, "group");
    this.#events.emit("peer-joined", pair.peer);
    // Told before the share's offer goes out, so they know its stream when its track arrives.
    this.#own.tell(remote);
    this.#screen.addCall(pair.call);
    return pair;
  }

  /**
   * A pair whose connection failed (ICE restarts did not bring it back) while both are still in
   * the call: the later joiner offers a fresh one after `repairDelayMs`; the other side takes
   * that offer as a new pair (see #onSignal).
   */
  #repair(stay: Stay, remote: string): void {
    if (!offersTo(stay.self, remote, this.#participants)) return;
    this.#repairs.schedule(remote, () => {
      if (this.#stay === stay && this.#participants.includes(remote) && !this.#pairs.has(remote)) this.#openPair(stay, remote, true);
    });
  }

  /** Closes the pair with `name`; `notify` sends it a hang-up. */
  #dropPair(name: string, notify: boolean, reason: CallEndReason): void {
    const pair = this.#pairs.get(name);
    if (!pair) return;
    this.#pairs.delete(name);
    this.#rejoin.forget(name);
    if (notify) {
      const failed = reason === "connection-failed" ? { reason } : {};
      this.signaling.send({ type: "hang-up", target: name, callId: pair.callId, ...failed });
    }
    pair.close(reason);
    this.#events.emit("peer-left", name);
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
    for (const name of [...this.#pairs.keys()]) {
      // Not listed: gone, unless still awaited in the new server's call (after a fresh session).
      if (!participants.includes(name) && !this.#rejoin.awaits(name)) this.#dropPair(name, false, "gone");
    }
    if (stay.listed) for (const name of this.#rejoin.back(participants)) this.#pairBack(stay, name);
    this.#connectToParticipants(stay);
  }

  #onSignal(message: IncomingCallMessage): void {
    const stay = this.#stay;
    if (!stay?.joined) return;
    const from = message.from;
    if (message.type === "media-state") {
      const state = { audio: message.audio, video: message.video, screen: message.screen ?? null };
      const pair = this.#pairs.get(from);
      if (pair) pair.mediaState(state);
      else if (this.#participants.includes(from)) this.#earlyStates.set(from, state);
      return;
    }
    // Another room's pair, an older stay's, or a 1:1 call's: not ours.
    if (!isGroupCallId(message.callId) || message.callId !== pairCallId(stay.room, stay.self, from)) return;
    switch (message.type) {
      case "video-offer":
      case "video-answer":
      case "new-ice-candidate": {
        let pair = this.#pairs.get(from);
        // A participant whose pair with us ended (it failed) offers again: a fresh pair.
        if (!pair && message.type === "video-offer" && this.#participants.includes(from)) pair = this.#openPair(stay, from, false) ?? undefined;
        pair?.deliver(message);
        return;
      }
      case "hang-up":
        if (message.reason !== "connection-failed") return this.#dropPair(from, false, "remote-hung-up");
        this.#dropPair(from, false, "connection-failed");
        return this.#repair(stay, from);
      default:
        return; // Ringing has no place in a group call.
    }
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
