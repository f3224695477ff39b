import type { SfuOfferMessage, SfuStatusMessage } from "@switchboard/protocol";
import type { CallEndReason } from "../call/call-state.js";
import type { ScreenShare } from "../media/screen-share.js";
import type { SignalingClient } from "../signaling/signaling-client.js";
import type { TypedEmitter } from "../typed-emitter.js";
import type { GroupCallEvents, GroupCallOptions } from "./group-call-types.js";
import type { EngineHost } from "./media-engine.js";
import { MeshEngine } from "./mesh-engine.js";
import type { OwnMedia } from "./own-media.js";
import type { PeerMediaState } from "./peer-tile.js";
import { SfuEngine } from "./sfu-engine.js";
import type { LayerWishes } from "./sfu-layers.js";
import type { Stay } from "./stay.js";

/** What the media of a stay needs from its GroupCall. */
export interface GroupMediaHost {
  readonly signaling: SignalingClient;
  readonly options: Readonly<GroupCallOptions>;
  readonly events: TypedEmitter<GroupCallEvents>;
  readonly own: OwnMedia;
  readonly screen: ScreenShare;
  readonly layers: LayerWishes;
  participants(): readonly string[];
  /** `name`'s tile went: nothing to wait for after a fresh session (GroupRejoin.forget). */
  forget(name: string): void;
  error(error: unknown): void;
}

/**
 * The media side of a stay in a group call: the engine for the call's media (see MediaEngine),
 * a new one when the media changes; which tiles the app has heard of (`peer-joined` once per
 * tile, whichever engine brings it); and what came before the tile or the engine it is for:
 * a participant's `media-state`, the media server's status and offer.
 */
export class GroupMedia {
  #engine: MeshEngine | SfuEngine | null = null;
  readonly #announced = new Set<string>();
  readonly #earlyStates = new Map<string, PeerMediaState>();
  /** The media server's latest status and offer, come before the SFU engine did. */
  #sfuEarly: (SfuStatusMessage | SfuOfferMessage)[] = [];

  constructor(private readonly host: GroupMediaHost) {}

  get engine(): MeshEngine | SfuEngine | null {
    return this.#engine;
  }

  /**
   * The engine for the call's media, connected to every participant. When the media changes
   * (a mesh grown past its cap moves to the media server), the old engine closes quietly, no
   * hang-ups (everyone switches on the same `group-call`), and the tiles stay with their marks.
   */
  connect(stay: Stay): void {
    const previous = this.#engine;
    const participants = this.host.participants();
    const media = this.host.signaling.groupCallMedia;
    if (previous?.media === media) return previous.connect(participants);
    for (const [name, peer] of previous?.peers ?? []) this.#earlyStates.set(name, { audio: peer.audio, video: peer.video, screen: null });
    previous?.close();
    this.#engine = null;
    let engine: MeshEngine | SfuEngine;
    try {
      engine = media === "sfu" ? this.#sfuEngine(stay) : this.#meshEngine(stay);
    } catch (error) {
      return this.host.error(error);
    }
    this.#engine = engine;
    engine.connect(participants);
    const host = this.#engineHost();
    for (const name of [...this.#announced]) if (!engine.peers.has(name)) host.peerLeft(name);
    if (!(engine instanceof SfuEngine)) return;
    this.host.screen.addCall(engine);
    for (const message of this.#sfuEarly.splice(0)) engine.receive(message);
  }

  /** A participant's `media-state`, kept for its tile when it has none yet. */
  mediaState(name: string, state: PeerMediaState): void {
    if (!this.#engine?.mediaState(name, state) && this.host.participants().includes(name)) this.#earlyStates.set(name, state);
  }

  /** The media server's news for our call: the SFU engine's, or kept for it (the latest of each kind). */
  sfu(message: SfuStatusMessage | SfuOfferMessage): void {
    if (this.#engine instanceof SfuEngine) return this.#engine.receive(message);
    this.#sfuEarly = [...this.#sfuEarly.filter((early) => early.type !== message.type), message];
  }

  /** Every tile goes (`peer-left` for each); `notify`: tell each peer, where the engine can. */
  dropAll(notify: boolean, reason: CallEndReason): void {
    const engine = this.#engine;
    for (const name of engine?.peers.keys() ?? []) engine?.drop(name, notify, reason);
  }

  /** The stay is over: the engine closes, and all is forgotten. */
  clear(): void {
    this.#engine?.close();
    this.#engine = null;
    this.#announced.clear();
    this.#earlyStates.clear();
    this.#sfuEarly = [];
  }

  #meshEngine(stay: Stay): MeshEngine {
    const { signaling, options, own, events } = this.host;
    return new MeshEngine(signaling, stay, options, own.stream, {
      ...this.#engineHost(),
      participants: () => this.host.participants(),
      fileOffer: (transfer) => events.emit("file-offer", transfer),
    });
  }

  #sfuEngine(stay: Stay): SfuEngine {
    const { signaling, options, own, layers, events } = this.host;
    const init = { signaling, self: stay.self, options, localStream: own.stream, layers };
    return new SfuEngine(init, { ...this.#engineHost(), mediaServer: (state) => events.emit("media-server", state) });
  }

  /** How an engine's news reaches the app. */
  #engineHost(): EngineHost {
    const { events, own, screen } = this.host;
    return {
      peerJoined: (peer) => {
        if (this.#announced.has(peer.name)) return events.emit("peer-updated", peer);
        this.#announced.add(peer.name);
        events.emit("peer-joined", peer);
      },
      peerUpdated: (peer) => events.emit("peer-updated", peer),
      peerLeft: (name) => {
        this.host.forget(name);
        if (this.#announced.delete(name)) events.emit("peer-left", name);
      },
      screenShared: (name, stream) => events.emit("screen-share", name, stream),
      introduce: (name, target) => {
        own.tell(name);
        if (target) screen.addCall(target);
      },
      earlyState: (name) => {
        const state = this.#earlyStates.get(name);
        this.#earlyStates.delete(name);
        return state;
      },
      error: (error) => this.host.error(error),
    };
  }
}
