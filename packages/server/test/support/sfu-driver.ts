import { SfuAnswerMessage, SfuOfferMessage, SfuStatusMessage, type SfuStream } from "@switchboard/protocol";
import { expect } from "vitest";
import { z } from "zod";
import type { SfuServerMessage } from "@switchboard/protocol";
import type { SfuCalls } from "../../src/media/sfu-calls.js";
import type { SfuEndpoint } from "./sfu-endpoint.js";

const ServerMessage = z.discriminatedUnion("type", [SfuAnswerMessage, SfuOfferMessage, SfuStatusMessage]);

/**
 * One participant of an SFU call as the client SDK would drive it, over SfuCalls directly: what
 * the server delivers lands in its inbox (checked against the protocol), its browser endpoint
 * answers every sfu-offer by itself, and the test publishes when `ready` came.
 */
export class SfuDriver {
  readonly inbox: SfuServerMessage[] = [];
  /** What failed while answering offers by itself. */
  readonly errors: unknown[] = [];
  /** The streams of the latest sfu-offer this participant answered. */
  streams: SfuStream[] = [];
  private waiters: (() => void)[] = [];
  private answering: Promise<void> = Promise.resolve();
  /** The epoch the subscriber connection was made for: a new epoch needs a fresh one. */
  private subscriberEpoch = -1;
  private epoch = -1;
  private refs = 0;

  constructor(
    readonly name: string,
    readonly room: string,
    readonly endpoint: SfuEndpoint,
    private readonly calls: () => SfuCalls,
  ) {}

  /** For SfuCalls' `deliver`. */
  receive(message: SfuServerMessage): void {
    const checked = ServerMessage.parse(message);
    this.inbox.push(checked);
    if (checked.type === "sfu-status" && checked.state === "ready") {
      // A new epoch: the old connections are gone, and what they received with them.
      this.epoch = checked.epoch;
      this.streams = [];
    }
    if (checked.type === "sfu-offer") {
      this.answering = this.answering.then(() => this.answer(checked)).catch((error: unknown) => void this.errors.push(error));
    }
    for (const wake of this.waiters.splice(0)) wake();
  }

  /** The first message from `from` on (an inbox index) that `matches`; fails after `timeoutMs`. */
  async next<T extends SfuServerMessage>(matches: (message: SfuServerMessage) => message is T, from = 0, timeoutMs = 10_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.inbox.slice(from).find(matches);
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`${this.name}: no such message within ${timeoutMs} ms; inbox: ${JSON.stringify(this.inbox.map(summary))}; errors: ${this.errors.map(String).join("; ")}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Waits for `ready` (from inbox index `from` on), then publishes camera and microphone and applies Janus's answer. */
  async publishWhenReady(from = 0): Promise<void> {
    await this.next(isReady, from);
    const offer = await this.endpoint.publishOffer();
    const ref = ++this.refs;
    const mark = this.inbox.length;
    await this.calls().handle(this.room, this.name, { type: "sfu-publish", sdp: { type: "offer", sdp: offer.sdp }, tracks: offer.tracks, ref });
    const answer = await this.next((message): message is SfuAnswerMessage => message.type === "sfu-answer" && message.ref === ref, mark);
    await this.endpoint.acceptPublisherAnswer(answer.sdp.sdp);
  }

  /** Resolves once the latest offer answered names exactly these participants (camera and microphone each). */
  async untilReceiving(names: readonly string[]): Promise<void> {
    const expected = names.flatMap((name) => [`${name}:camera`, `${name}:microphone`]).sort();
    await expect
      .poll(() => this.streams.map((stream) => `${stream.name}:${stream.source}`).sort(), { timeout: 10_000 })
      .toEqual(expected);
  }

  /** The mid of `name`'s camera in the latest offer answered. */
  cameraOf(name: string): string {
    const stream = this.streams.find((candidate) => candidate.name === name && candidate.source === "camera");
    if (!stream) throw new Error(`${this.name} receives no camera of ${name}: ${JSON.stringify(this.streams)}`);
    return stream.mid;
  }

  /** Resolves once the camera of each of `names` has decoded `frames` more frames. */
  async untilDecoding(names: readonly string[], frames = 10): Promise<void> {
    const decoded = async () => {
      const videos = await this.endpoint.receivedVideo();
      return new Map(videos.map((video) => [video.mid, video.framesDecoded]));
    };
    const start = await decoded();
    const mids = names.map((name) => this.cameraOf(name));
    await expect
      .poll(async () => {
        const now = await decoded();
        return mids.every((mid) => (now.get(mid) ?? 0) - (start.get(mid) ?? 0) >= frames);
      }, { timeout: 15_000 })
      .toBe(true);
  }

  private async answer(offer: SfuOfferMessage): Promise<void> {
    const fresh = this.subscriberEpoch !== this.epoch;
    this.subscriberEpoch = this.epoch;
    const sdp = await this.endpoint.answerSubscriberOffer(offer.sdp.sdp, { fresh });
    await this.calls().handle(this.room, this.name, { type: "sfu-subscribe-answer", sdp: { type: "answer", sdp }, ref: ++this.refs });
    this.streams = offer.streams;
  }
}

export function isReady(message: SfuServerMessage): message is SfuStatusMessage {
  return message.type === "sfu-status" && message.state === "ready";
}

export function isInterrupted(message: SfuServerMessage): message is SfuStatusMessage {
  return message.type === "sfu-status" && message.state === "interrupted";
}

export function isOffer(message: SfuServerMessage): message is SfuOfferMessage {
  return message.type === "sfu-offer";
}

function summary(message: SfuServerMessage): string {
  return message.type === "sfu-status" ? `${message.type}:${message.state}:${message.epoch}` : message.type;
}
