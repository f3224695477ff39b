import type { TrackSource } from "@switchboard/protocol";
import { summarizeStats, type CallQuality, type StatsEntry } from "../call/call-quality.js";
import type { GroupPeer } from "./group-call-types.js";
import type { Polled } from "./peer-polling.js";
import { PeerTile, type PeerMediaState } from "./peer-tile.js";
import { remoteAudioLevel, type AudioLevelSource, type SpeakingOptions } from "./speaking.js";

/** What an SFU participant's tile needs from its engine. */
export interface SfuPeerHost {
  updated(peer: SfuPeer): void;
  screenShared(peer: SfuPeer, stream: MediaStream | null): void;
  /** The receivers of its m-lines of those sources on our subscriber connection now (none without one). */
  receivers(name: string, sources: readonly TrackSource[]): RTCRtpReceiver[];
  error(error: unknown): void;
}

const CAMERA_AND_MICROPHONE: readonly TrackSource[] = ["camera", "microphone"];
const MICROPHONE: readonly TrackSource[] = ["microphone"];

/**
 * One other participant of an SFU group call, as its tile: its media as the media server
 * forwards it on our subscriber connection (whichever connection of whichever epoch that is
 * now), `speaking` from its microphone's receiver, `quality` from its receivers' stats.
 */
export class SfuPeer implements Polled {
  readonly #tile: PeerTile;
  #screen: MediaStream | null = null;
  #quality: CallQuality | undefined;

  constructor(
    readonly name: string,
    speaking: SpeakingOptions,
    state: PeerMediaState | undefined,
    private readonly host: SfuPeerHost,
  ) {
    this.#tile = new PeerTile(name, speaking, state, { changed: () => host.updated(this), error: (error) => host.error(error) });
  }

  get peer(): GroupPeer {
    return this.#tile.peer;
  }

  /** Its `media-state` (its screen share comes from the media server's m-lines instead). */
  mediaState({ audio, video }: PeerMediaState): void {
    this.#tile.update({ audio, video });
  }

  /** Its media or our subscriber connection changed (a new connection: a fresh start for the bitrates). */
  update(change: Partial<Pick<GroupPeer, "stream" | "screen" | "connection">>, fresh = false): void {
    if (fresh) this.#quality = undefined;
    this.#tile.update(change);
    if (change.screen === undefined || change.screen === this.#screen || this.#tile.closed) return;
    this.#screen = change.screen;
    this.host.screenShared(this, change.screen);
  }

  sample(): Promise<void> {
    return this.#tile.sample(() => remoteAudioLevel(receiversLevelSource(this.host.receivers(this.name, MICROPHONE))));
  }

  measure(): Promise<void> {
    return this.#tile.measure(async () => {
      const receivers = this.host.receivers(this.name, CAMERA_AND_MICROPHONE);
      if (receivers.length === 0) return null;
      const quality = summarizeStats(await receiversStats(receivers), this.#quality);
      this.#quality = quality;
      return quality;
    });
  }

  close(): void {
    this.#tile.close();
  }
}

/** The stats of `receivers` together (a transport they share counted once). */
async function receiversStats(receivers: readonly RTCRtpReceiver[]): Promise<StatsEntry[]> {
  const byId = new Map<string, StatsEntry>();
  for (const report of await Promise.all(receivers.map((receiver) => receiver.getStats()))) {
    for (const entry of report.values() as Iterable<StatsEntry>) byId.set(entry.id, entry);
  }
  return [...byId.values()];
}

/** Some receivers, read for audio levels as if they were a peer connection of their own. */
function receiversLevelSource(receivers: RTCRtpReceiver[]): AudioLevelSource {
  return {
    getReceivers: () => receivers,
    getStats: async () => new Map((await receiversStats(receivers)).map((entry) => [entry.id, entry])) as unknown as RTCStatsReport,
  };
}
