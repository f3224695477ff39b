import type { SfuCandidateMessage, SfuLayerMessage, SfuPublishMessage, SfuServerMessage, SfuSubscribeAnswerMessage } from "@switchboard/protocol";
import type { Session } from "janode";
import type { Logger } from "pino";
import { ProtocolError } from "../wire/protocol-error.js";
import { withDeadline } from "./deadline.js";
import { LayerSwitches } from "./layer-switches.js";
import { RequestQueue } from "./request-queue.js";
import type { StreamRef } from "./room-feeds.js";
import { activeStreams, offeredStreams, subscriptionChange } from "./subscription.js";
import { VideoroomHandle, type VideoroomMessage } from "./videoroom-handle.js";
import { Configured, Joined, Jsep, PublisherNews, Subscription, type SubscribedStream } from "./videoroom-messages.js";

/** A client's requests waiting or running on one of its peer connections, at most. */
const MAX_QUEUED_REQUESTS = 16;

/** What a participant needs of its room and node. */
export interface ParticipantRoom {
  readonly janusRoom: number;
  readonly session: Session;
  readonly epoch: number;
  readonly timeoutMs: number;
  readonly logger: Logger;
  /** Creates the Janus videoroom once (per session), with `handle`. */
  ensureCreated(handle: VideoroomHandle): Promise<void>;
  /** What this participant's publisher handle heard of the others. */
  heardOf(news: PublisherNews): void;
  /** The publisher streams this participant should receive now. */
  wantedBy(name: string): StreamRef[];
  deliver(member: SfuParticipant, message: SfuServerMessage): void;
}

export type ParticipantState = "joining" | "ready" | "failed" | "closed" | "abandoned";

/**
 * One local participant of an SFU call, for one Janus session: a publisher handle joined to the
 * room's videoroom (display = the user's name, feed = a server-chosen id), and a multistream
 * subscriber handle kept subscribed to the other participants' streams. Each handle's requests
 * run one at a time (RequestQueue).
 */
export class SfuParticipant {
  private state: ParticipantState = "joining";
  private publisher: VideoroomHandle | null = null;
  private subscriber: VideoroomHandle | null = null;
  private subscriberJoined = false;
  /** What the subscription carries, as far as the adapter knows (Janus's summaries correct it). */
  private receiving: StreamRef[] = [];
  private subscribed: SubscribedStream[] = [];
  private syncPending = false;
  private readonly publisherQueue = new RequestQueue(MAX_QUEUED_REQUESTS);
  private readonly subscriberQueue = new RequestQueue(MAX_QUEUED_REQUESTS);
  private readonly layerSwitches = new LayerSwitches((mid, layer) => {
    void this.subscriberQueue.enqueue(() => this.askLayer(mid, layer)).catch(() => undefined);
  });

  constructor(
    readonly name: string,
    private readonly feed: number,
    private readonly room: ParticipantRoom,
  ) {}

  get current(): ParticipantState {
    return this.state;
  }

  /** Attaches and joins the publisher handle; then `ready` to the client, and the subscription follows. */
  join(): void {
    void this.publisherQueue
      .enqueue(async () => {
        const handle = await this.attach();
        if (!handle) return;
        this.publisher = handle;
        handle.onEvent((event) => this.onPublisherEvent(event));
        await this.room.ensureCreated(handle);
        const reply = await handle.request({ request: "join", ptype: "publisher", room: this.room.janusRoom, id: this.feed, display: this.name }, this.room.timeoutMs);
        const joined = Joined.parse(reply.data);
        if (this.state !== "joining") return;
        this.state = "ready";
        this.room.heardOf({ videoroom: "event", publishers: joined.publishers });
        this.room.deliver(this, { type: "sfu-status", state: "ready", epoch: this.room.epoch });
        this.syncSubscription();
      })
      .catch((error: unknown) => {
        if (this.state !== "joining") return;
        this.state = "failed";
        this.room.logger.error({ err: error, user: this.name }, "media server refused a participant");
        this.room.deliver(this, {
          type: "sfu-status",
          state: "interrupted",
          epoch: this.room.epoch,
          reason: "The media server could not add you to the call.",
        });
      });
  }

  async publish(message: SfuPublishMessage): Promise<void> {
    const reply = await this.queued(this.publisherQueue, () => {
      const handle = this.joinedPublisher();
      // `configure` publishes, and publishes again (renegotiation); the descriptions reach the others' publisher lists.
      const descriptions = message.tracks.map(({ mid, source }) => ({ mid, description: source }));
      // The camera's rids go from the smallest layer up (q, h, f: sfu.ts), Janus's substreams 0 to 2; it assumes the reverse order unless told.
      return handle.request({ request: "configure", descriptions }, this.room.timeoutMs, { type: "offer", sdp: message.sdp.sdp, rid_order: "lmh" });
    });
    Configured.parse(reply.data);
    const answer = Jsep.parse(reply.jsep);
    if (answer.type !== "answer") throw new Error("Janus answered an offer with an offer");
    this.room.deliver(this, { type: "sfu-answer", sdp: { type: "answer", sdp: answer.sdp }, ...refOf(message) });
  }

  async answerOffer(message: SfuSubscribeAnswerMessage): Promise<void> {
    await this.queued(this.subscriberQueue, () => {
      if (!this.subscriber || !this.subscriberJoined) throw new ProtocolError("media-failed", "There is no offer to answer yet.");
      return this.subscriber.request({ request: "start" }, this.room.timeoutMs, { type: "answer", sdp: message.sdp.sdp });
    });
  }

  async candidate(message: SfuCandidateMessage): Promise<void> {
    const [queue, handle] = message.connection === "publisher" ? [this.publisherQueue, () => this.joinedPublisher()] : [this.subscriberQueue, () => this.offeredSubscriber()];
    const { candidate } = message;
    await this.queued(queue, () =>
      handle().trickleCandidate(
        candidate && {
          candidate: candidate.candidate,
          ...(typeof candidate.sdpMid === "string" ? { sdpMid: candidate.sdpMid } : {}),
          ...(typeof candidate.sdpMLineIndex === "number" ? { sdpMLineIndex: candidate.sdpMLineIndex } : {}),
        },
        this.room.timeoutMs,
      ),
    );
  }

  async layer(message: SfuLayerMessage): Promise<void> {
    const video = this.subscribed.some((stream) => stream.mid === message.mid && stream.type === "video" && stream.active);
    if (!video) throw new ProtocolError("media-failed", `No received video has mid "${message.mid}".`);
    await this.queued(this.subscriberQueue, () => this.askLayer(message.mid, message.layer));
    this.layerSwitches.asked(message.mid, message.layer);
  }

  /** Brings the subscription in line with the room's publishers and the call's participants (coalesced). */
  syncSubscription(): void {
    if (this.state !== "ready" || this.syncPending) return;
    this.syncPending = true;
    void this.subscriberQueue
      .enqueue(async () => {
        this.syncPending = false;
        if (this.state === "ready") await this.updateSubscription();
      })
      .catch((error: unknown) => {
        if (this.state === "ready") this.room.logger.warn({ err: error, user: this.name }, "media server refused a subscription change");
      });
  }

  private async askLayer(mid: string, layer: number): Promise<void> {
    if (this.state !== "ready") return;
    await this.offeredSubscriber().request({ request: "configure", streams: [{ mid, substream: layer }] }, this.room.timeoutMs);
  }

  /** Leaves: detaches both handles (Janus unpublishes and tells the others). Requests in flight fail. */
  async close(): Promise<void> {
    if (this.state === "closed" || this.state === "abandoned") return;
    this.state = "closed";
    this.layerSwitches.clear();
    await Promise.all([this.publisher, this.subscriber].map((handle) => handle && this.detach(handle)));
  }

  /** The session is gone, and the handles with it. */
  abandon(): void {
    this.state = "abandoned";
    this.layerSwitches.clear();
  }

  private async updateSubscription(): Promise<void> {
    const wanted = this.room.wantedBy(this.name);
    if (!this.subscriberJoined) {
      if (wanted.length === 0) return; // Janus offers no empty subscription.
      this.subscriber ??= await this.attachSubscriber();
      if (!this.subscriber) return;
      const reply = await this.subscriber.request({ request: "join", ptype: "subscriber", room: this.room.janusRoom, streams: wanted }, this.room.timeoutMs);
      this.subscriberJoined = true;
      this.onSubscription(reply);
      return;
    }
    const change = subscriptionChange(this.receiving, wanted);
    if (!change || !this.subscriber) return;
    const { subscribe, unsubscribe } = change;
    const reply = await this.subscriber.request(
      { request: "update", ...(subscribe.length > 0 ? { subscribe } : {}), ...(unsubscribe.length > 0 ? { unsubscribe } : {}) },
      this.room.timeoutMs,
    );
    // Janus may postpone the offer ("updating", no layout) until the last one is answered: what it carries changed anyway.
    this.receiving = wanted;
    this.onSubscription(reply);
  }

  /** A subscriber reply or event: the subscription's layout, and a new offer for the client when it comes with one. */
  private onSubscription(message: VideoroomMessage): void {
    const { mid, substream } = message.data;
    if (typeof mid === "string" && typeof substream === "number") this.layerSwitches.reached(mid, substream);
    const subscription = Subscription.safeParse(message.data);
    if (!subscription.success) return;
    if (subscription.data.streams) {
      this.subscribed = subscription.data.streams;
      this.receiving = activeStreams(this.subscribed);
    }
    const offer = Jsep.safeParse(message.jsep);
    if (!offer.success || offer.data.type !== "offer" || this.state !== "ready") return;
    this.room.deliver(this, { type: "sfu-offer", sdp: { type: "offer", sdp: offer.data.sdp }, streams: offeredStreams(this.subscribed) });
  }

  private onPublisherEvent(event: VideoroomMessage): void {
    const news = PublisherNews.safeParse(event.data);
    if (news.success && (this.state === "joining" || this.state === "ready")) this.room.heardOf(news.data);
  }

  private async attachSubscriber(): Promise<VideoroomHandle | null> {
    const handle = await this.attach();
    handle?.onEvent((event) => this.onSubscription(event));
    return handle;
  }

  /** A new handle, unless the participant left meanwhile (then the handle is detached at once). */
  private async attach(): Promise<VideoroomHandle | null> {
    const handle = await VideoroomHandle.attach(this.room.session);
    if (this.state === "joining" || this.state === "ready") return handle;
    await this.detach(handle);
    return null;
  }

  private async detach(handle: VideoroomHandle): Promise<void> {
    await withDeadline(handle.detach(), this.room.timeoutMs, "detaching a Janus handle").catch((error: unknown) =>
      this.room.logger.warn({ err: error, user: this.name }, "media server did not detach a handle"),
    );
  }

  private joinedPublisher(): VideoroomHandle {
    if (this.state !== "ready" || !this.publisher) throw new ProtocolError("media-failed", "The media server has not added you to the call.");
    return this.publisher;
  }

  private offeredSubscriber(): VideoroomHandle {
    if (!this.subscriber || !this.subscriberJoined) throw new ProtocolError("media-failed", "Nothing is offered to receive yet.");
    return this.subscriber;
  }

  private queued<T>(queue: RequestQueue, task: () => Promise<T>): Promise<T> {
    const result = queue.run(task);
    if (!result) throw new ProtocolError("media-failed", `More than ${MAX_QUEUED_REQUESTS} requests are waiting for the media server.`);
    return result;
  }
}

function refOf(message: { ref?: string | number | undefined }): { ref?: string | number } {
  return message.ref === undefined ? {} : { ref: message.ref };
}
