import type { CallEndReason } from "../call/call-state.js";
import { reportSetupOnConnect } from "../call/setup-report.js";
import { sharedCallOptions } from "../call/shared-call-options.js";
import type { OutgoingFileTransfer } from "../files/outgoing-transfer.js";
import type { SignalingClient } from "../signaling/signaling-client.js";
import type { IncomingCallMessage } from "../signaling/signaling-types.js";
import type { GroupCallEvents, GroupCallOptions, GroupPeer } from "./group-call-types.js";
import { isGroupCallId, isPoliteInGroup, offersTo, pairCallId } from "./group-roles.js";
import { GroupPair } from "./group-pair.js";
import type { EngineHost, MediaEngine } from "./media-engine.js";
import { PairRepairs } from "./pair-repairs.js";
import type { PeerMediaState } from "./peer-tile.js";
import type { Stay } from "./stay.js";

export interface MeshHost extends EngineHost {
  /** The call's participants now, in join order. */
  participants(): readonly string[];
  fileOffer: GroupCallEvents["file-offer"];
}

/**
 * A group call's media as a mesh: one Call per other participant (see GroupPair).
 *
 * Roles need no extra message (see group-roles.ts): who joins offers to each one already there;
 * whoever was there waits for that offer. The pairs negotiate with the ordinary call messages
 * under the pair's call id `group:<room>:<a>|<b>`, so CallManager (1:1 calls) leaves them alone.
 * A pair whose connection failed is offered again by the later joiner (see #repair).
 */
export class MeshEngine implements MediaEngine {
  readonly media = "mesh";
  readonly #pairs = new Map<string, GroupPair>();
  readonly #repairs: PairRepairs;

  constructor(
    private readonly signaling: SignalingClient,
    private readonly stay: Stay,
    private readonly options: Readonly<GroupCallOptions>,
    /** Our camera and microphone for every pair (null: receive only). */
    private readonly localStream: MediaStream | null,
    private readonly host: MeshHost,
  ) {
    this.#repairs = new PairRepairs(options.repairDelayMs);
  }

  get peers(): ReadonlyMap<string, GroupPeer> {
    return new Map([...this.#pairs].map(([name, pair]) => [name, pair.peer]));
  }

  /** A pair with each participant we have none with: we offer to those who were there first. */
  connect(participants: readonly string[]): void {
    const { self } = this.stay;
    for (const name of participants) {
      if (name !== self && !this.#pairs.has(name)) this.#openPair(name, offersTo(self, name, participants));
    }
  }

  /** Closes the pair with `name`; `notify` sends it a hang-up. */
  drop(name: string, notify: boolean, reason: CallEndReason): void {
    const pair = this.#pairs.get(name);
    if (!pair) return;
    this.#pairs.delete(name);
    if (notify) {
      const failed = reason === "connection-failed" ? { reason } : {};
      this.signaling.send({ type: "hang-up", target: name, callId: pair.callId, ...failed });
    }
    pair.close(reason);
    this.host.peerLeft(name);
  }

  mediaState(name: string, state: PeerMediaState): boolean {
    const pair = this.#pairs.get(name);
    pair?.mediaState(state);
    return pair !== undefined;
  }

  /** A peer we kept our pair with is in the new server's call with us again. */
  back(name: string): void {
    const pair = this.#pairs.get(name);
    if (!pair) return;
    // What we said meanwhile reached nobody. The one who offers (the later joiner) restarts ICE:
    // fresh candidates, and the new server learns that we are partners, so our untargeted
    // `media-state` reaches them again.
    this.host.introduce(name);
    if (offersTo(this.stay.self, name, this.host.participants())) pair.call.restartIce();
  }

  screenTargets(): Iterable<GroupPair["call"]> {
    return [...this.#pairs.values()].map((pair) => pair.call);
  }

  trackTargets(): Iterable<GroupPair["call"]> {
    return this.screenTargets();
  }

  polled(): Iterable<GroupPair> {
    return this.#pairs.values();
  }

  setIceServers(iceServers: RTCIceServer[]): void {
    for (const pair of this.#pairs.values()) pair.call.setIceServers(iceServers);
  }

  /** Offers a file to every other participant: one transfer per pair. */
  sendFile(file: Blob, options?: { name?: string }): OutgoingFileTransfer[] {
    return [...this.#pairs.values()].map((pair) => pair.files.send(file, options));
  }

  /** A pair's own message (SDP, candidates, hang-up) from `message.from`. */
  signal(message: IncomingCallMessage): void {
    const { stay } = this;
    const from = message.from;
    // Another room's pair, an older stay's, or a 1:1 call's: not ours.
    if (!isGroupCallId(message.callId) || message.callId !== pairCallId(stay.room, stay.self, from)) return;
    switch (message.type) {
      case "video-offer":
      case "video-answer":
      case "new-ice-candidate": {
        let pair = this.#pairs.get(from);
        // A participant whose pair with us ended (it failed) offers again: a fresh pair.
        if (!pair && message.type === "video-offer" && this.host.participants().includes(from)) pair = this.#openPair(from, false) ?? undefined;
        pair?.deliver(message);
        return;
      }
      case "hang-up":
        if (message.reason !== "connection-failed") return this.drop(from, false, "remote-hung-up");
        this.drop(from, false, "connection-failed");
        return this.#repair(from);
      default:
        return; // Ringing has no place in a group call.
    }
  }

  close(): void {
    this.#repairs.clear();
    for (const pair of this.#pairs.values()) pair.close("hung-up");
    this.#pairs.clear();
  }

  #openPair(remote: string, initiator: boolean): GroupPair | null {
    const { stay, signaling, host } = this;
    let pair: GroupPair;
    try {
      pair = new GroupPair(
        {
          call: {
            remote,
            callId: pairCallId(stay.room, stay.self, remote),
            polite: isPoliteInGroup(stay.self, remote),
            initiator,
            localStream: this.localStream,
            send: (message) => signaling.send(message),
            ...sharedCallOptions(this.options, signaling.iceServers),
          },
          speaking: this.options.speaking,
          mediaState: host.earlyState(remote),
        },
        {
          updated: (changed) => {
            if (this.#pairs.get(changed.name) === changed) host.peerUpdated(changed.peer);
          },
          ended: (ended, reason) => {
            if (this.#pairs.get(ended.name) !== ended) return;
            this.drop(ended.name, true, reason);
            this.#repair(ended.name);
          },
          screenShared: (shared, stream) => {
            if (this.#pairs.get(shared.name) === shared) host.screenShared(shared.name, stream);
          },
          error: (error) => host.error(error),
          fileOffer: (transfer) => host.fileOffer(transfer),
        },
      );
    } catch (error) {
      host.error(error);
      return null;
    }
    this.#pairs.set(remote, pair);
    reportSetupOnConnect(pair.call, signaling, "group");
    host.peerJoined(pair.peer);
    // Told before the share's offer goes out, so they know its stream when its track arrives.
    host.introduce(remote, pair.call);
    return pair;
  }

  /**
   * A pair whose connection failed (ICE restarts did not bring it back) while both are still in
   * the call: the later joiner offers a fresh one after `repairDelayMs`; the other side takes
   * that offer as a new pair (see signal()).
   */
  #repair(remote: string): void {
    if (!offersTo(this.stay.self, remote, this.host.participants())) return;
    this.#repairs.schedule(remote, () => {
      if (!this.stay.over && this.host.participants().includes(remote) && !this.#pairs.has(remote)) this.#openPair(remote, true);
    });
  }
}
