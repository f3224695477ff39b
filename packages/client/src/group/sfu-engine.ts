import type { SfuConnection, SfuOfferMessage, SfuStatusMessage } from "@switchboard/protocol";
import type { MediaStreamConstructor, RTCPeerConnectionConstructor } from "../call/call.js";
import type { TrackTarget } from "../call/replace-local-track.js";
import { sharedCallOptions } from "../call/shared-call-options.js";
import type { ScreenTarget } from "../media/screen-share.js";
import type { SignalingClient } from "../signaling/signaling-client.js";
import type { GroupCallOptions, GroupPeer, MediaServerState } from "./group-call-types.js";
import type { EngineHost, MediaEngine } from "./media-engine.js";
import type { PeerMediaState } from "./peer-tile.js";
import { LayerRequests, type LayerWishes } from "./sfu-layers.js";
import { SfuPeer } from "./sfu-peer.js";
import { SfuPublisher } from "./sfu-publisher.js";
import { NO_MEDIA, SfuSubscriber } from "./sfu-subscriber.js";

export interface SfuHost extends EngineHost {
  /** The media server became ready (a new epoch) or was interrupted. */
  mediaServer(state: MediaServerState): void;
}

export interface SfuEngineInit {
  signaling: SignalingClient;
  /** Our name: no tile for us. */
  self: string;
  options: Readonly<GroupCallOptions>;
  /** Our camera and microphone (null: receive only: we publish nothing, or only a screen share). */
  localStream: MediaStream | null;
  /** What the app says of the tiles' sizes (see LayerWishes). */
  layers: LayerWishes;
}

/**
 * A group call's media through the media server (an SFU call): what we send goes once, on our
 * publisher connection (SfuPublisher), and everyone else's comes on our subscriber connection
 * (SfuSubscriber), as the server offers it; the server negotiates with the media server.
 *
 * The media server's `sfu-status` drives the connections. `ready` with a new epoch: fresh
 * connections (the old ones are gone): publish again, and take the next offer on a new
 * subscriber. `interrupted`: both closed; the tiles stay, without media, until the next `ready`.
 * A tile per listed participant, whether or not anything of theirs arrives yet.
 */
export class SfuEngine implements MediaEngine, ScreenTarget, TrackTarget {
  readonly media = "sfu";
  readonly #peers = new Map<string, SfuPeer>();
  readonly #layerRequests: LayerRequests;
  readonly #PeerConnection: RTCPeerConnectionConstructor;
  readonly #MediaStream: MediaStreamConstructor;
  #state: MediaServerState | null = null;
  #publisher: SfuPublisher | null = null;
  #subscriber: SfuSubscriber | null = null;
  /** The `ready` epoch the subscriber came in (null: before that epoch's `ready`, which takes it). */
  #subscriberEpoch: number | null = null;
  /** Our screen share, while we present. */
  #screen: { track: MediaStreamTrack; stream: MediaStream } | null = null;
  #closed = false;

  /** Throws a TypeError where there is no RTCPeerConnection or MediaStream to use. */
  constructor(
    private readonly init: SfuEngineInit,
    private readonly host: SfuHost,
  ) {
    const globals = globalThis as { RTCPeerConnection?: RTCPeerConnectionConstructor; MediaStream?: MediaStreamConstructor };
    const PeerConnection = init.options.RTCPeerConnection ?? globals.RTCPeerConnection;
    const Stream = init.options.MediaStream ?? globals.MediaStream;
    if (!PeerConnection) throw new TypeError("GroupCall: no RTCPeerConnection here; pass the `RTCPeerConnection` option.");
    if (!Stream) throw new TypeError("GroupCall: no MediaStream here; pass the `MediaStream` option.");
    this.#PeerConnection = PeerConnection;
    this.#MediaStream = Stream;
    this.#layerRequests = new LayerRequests((mid, layer) => {
      init.signaling.request({ type: "sfu-layer", mid, layer }).catch((error: unknown) => host.error(error));
    });
    init.layers.onChange((name) => this.#requestLayer(name));
  }

  /** The media server's latest state (null before its first `ready`). */
  get state(): MediaServerState | null {
    return this.#state;
  }

  get peers(): ReadonlyMap<string, GroupPeer> {
    return new Map([...this.#peers].map(([name, peer]) => [name, peer.peer]));
  }

  /** A tile for each participant without one; it shows what already arrives of theirs. */
  connect(participants: readonly string[]): void {
    for (const name of participants) {
      if (name === this.init.self || this.#peers.has(name)) continue;
      const peer = new SfuPeer(name, this.init.options.speaking, this.host.earlyState(name), {
        updated: (changed) => {
          if (this.#peers.get(changed.name) === changed) this.host.peerUpdated(changed.peer);
        },
        screenShared: (shared, stream) => {
          if (this.#peers.get(shared.name) === shared) this.host.screenShared(shared.name, stream);
        },
        receivers: (whose, sources) => this.#subscriber?.receivers(whose, sources) ?? [],
        error: (error) => this.host.error(error),
      });
      this.#peers.set(name, peer);
      peer.update({ ...(this.#subscriber?.media(name) ?? NO_MEDIA), connection: this.#connection() });
      this.host.peerJoined(peer.peer);
      this.host.introduce(name);
      this.#requestLayer(name);
    }
  }

  /** The tile goes at once; the next offer drops its m-lines. Nothing to tell anyone: the server knows. */
  drop(name: string): void {
    const peer = this.#peers.get(name);
    if (!peer) return;
    this.#peers.delete(name);
    peer.close();
    this.host.peerLeft(name);
  }

  mediaState(name: string, state: PeerMediaState): boolean {
    const peer = this.#peers.get(name);
    peer?.mediaState(state);
    return peer !== undefined;
  }

  back(name: string): void {
    if (this.#peers.has(name)) this.host.introduce(name);
  }

  screenTargets(): Iterable<ScreenTarget> {
    return [this];
  }

  trackTargets(): Iterable<TrackTarget> {
    return [this];
  }

  polled(): Iterable<SfuPeer> {
    return this.#peers.values();
  }

  setIceServers(iceServers: RTCIceServer[]): void {
    for (const pc of [this.#publisher?.peerConnection, this.#subscriber?.peerConnection]) {
      if (!pc || typeof pc.setConfiguration !== "function") continue;
      try {
        pc.setConfiguration({ ...pc.getConfiguration(), iceServers });
      } catch (error) {
        this.host.error(error);
      }
    }
  }

  /** The server's `sfu-status` or `sfu-offer` for our call. */
  receive(message: SfuStatusMessage | SfuOfferMessage): void {
    if (this.#closed) return;
    if (message.type === "sfu-offer") return this.#offer(message);
    if (message.state === "interrupted") return this.#interrupted(message.epoch, message.reason ?? null);
    if (this.#state?.state === "ready" && this.#state.epoch === message.epoch) return; // Said again: nothing new.
    this.#closePublisher();
    if (this.#subscriberEpoch !== null && this.#subscriberEpoch !== message.epoch) this.#closeSubscriber();
    if (this.#subscriber) this.#subscriberEpoch = message.epoch;
    this.#state = Object.freeze({ state: "ready", epoch: message.epoch, reason: null });
    this.host.mediaServer(this.#state);
    this.#publish();
  }

  /** A fresh signaling session: the server forgot the call and its media-server connections; wait for its `ready`. */
  restart(): void {
    this.#closeConnections("new");
    this.#state = null;
  }

  /** Sends `track` as our screen (publishing now if we published nothing so far). */
  shareScreen(track: MediaStreamTrack, stream: MediaStream): void {
    this.#screen = { track, stream };
    if (this.#publisher) this.#publisher.shareScreen(track, stream);
    else this.#publish();
  }

  stopScreenShare(): void {
    this.#screen = null;
    if (!this.#publisher) return;
    // Nothing else to send (receive only): the protocol has no unpublish; closing the connection is one.
    if (!hasTracks(this.init.localStream)) return this.#closePublisher();
    this.#publisher.stopScreenShare();
  }

  async replaceLocalTrack(track: MediaStreamTrack): Promise<void> {
    await this.#publisher?.replaceLocalTrack(track);
  }

  close(): void {
    this.#closed = true;
    this.init.layers.onChange(() => {});
    this.#closePublisher();
    this.#closeSubscriber();
    for (const peer of this.#peers.values()) peer.close();
    this.#peers.clear();
  }

  // --- the two connections ---------------------------------------------------------------------

  #publish(): void {
    if (this.#publisher || this.#state?.state !== "ready" || (!hasTracks(this.init.localStream) && !this.#screen)) return;
    const { signaling } = this.init;
    this.#publisher = new SfuPublisher(
      this.#peerConnection(),
      { stream: this.init.localStream, screen: this.#screen },
      {
        publish: async (sdp, tracks) => (await signaling.sfuPublish(sdp, tracks)).sdp,
        candidate: this.#trickle("publisher"),
        error: (error) => this.host.error(error),
      },
    );
    this.#publisher.start();
  }

  /**
   * An offer for our subscriber. One that comes after `interrupted` (or before the first
   * `ready`) is the next epoch's already (the server's messages come in order): a fresh
   * subscriber takes it, and that epoch's `ready` keeps it.
   */
  #offer(message: SfuOfferMessage): void {
    if (!this.#subscriber) {
      const { signaling } = this.init;
      this.#subscriber = new SfuSubscriber(this.#peerConnection(), this.#MediaStream, {
        answer: async (sdp) => void (await signaling.request({ type: "sfu-subscribe-answer", sdp })),
        candidate: this.#trickle("subscriber"),
        changed: () => this.#showMedia(),
        connectionState: (connection) => {
          for (const peer of this.#peers.values()) peer.update({ connection });
        },
        error: (error) => this.host.error(error),
      });
      this.#subscriberEpoch = this.#state?.state === "ready" ? this.#state.epoch : null;
      this.#layerRequests.reset();
    }
    this.#subscriber.offer(message);
  }

  #interrupted(epoch: number, reason: string | null): void {
    this.#closeConnections("disconnected");
    this.#state = Object.freeze({ state: "interrupted", epoch, reason });
    this.host.mediaServer(this.#state);
  }

  /** Both connections closed; the tiles stay, without media. */
  #closeConnections(connection: RTCPeerConnectionState): void {
    this.#closePublisher();
    this.#closeSubscriber();
    for (const peer of this.#peers.values()) peer.update({ ...NO_MEDIA, connection }, true);
  }

  #closePublisher(): void {
    this.#publisher?.close();
    this.#publisher = null;
  }

  #closeSubscriber(): void {
    this.#subscriber?.close();
    this.#subscriber = null;
    this.#subscriberEpoch = null;
  }

  /** After an offer: every tile shows what arrives of theirs now, and its camera gets the layer it wants. */
  #showMedia(): void {
    const subscriber = this.#subscriber;
    if (!subscriber) return;
    for (const [name, peer] of this.#peers) peer.update({ ...subscriber.media(name), connection: subscriber.connectionState });
    this.#layerRequests.prune(subscriber.cameras());
    for (const name of this.#peers.keys()) this.#requestLayer(name);
  }

  #requestLayer(name: string): void {
    const subscriber = this.#subscriber;
    if (!subscriber || !this.#peers.has(name)) return;
    const mids = [...subscriber.cameras()].filter(([, whose]) => whose === name).map(([mid]) => mid);
    this.#layerRequests.request(name, mids, this.init.layers.wanted(name));
  }

  #connection(): RTCPeerConnectionState {
    if (this.#state?.state === "interrupted") return "disconnected";
    return this.#subscriber?.connectionState ?? "new";
  }

  #peerConnection(): RTCPeerConnection {
    const { options, signaling } = this.init;
    return new this.#PeerConnection(sharedCallOptions(options, signaling.iceServers).configuration);
  }

  #trickle(connection: SfuConnection): (candidate: RTCIceCandidateInit | null) => void {
    return (candidate) => this.init.signaling.send({ type: "sfu-candidate", connection, candidate });
  }
}

function hasTracks(stream: MediaStream | null): boolean {
  return stream !== null && stream.getTracks().length > 0;
}
