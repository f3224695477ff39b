import type { SfuClientMessage, SfuServerMessage } from "@switchboard/protocol";
import { randomInt } from "node:crypto";
import type { Session } from "janode";
import type { Logger } from "pino";
import { ProtocolError } from "../wire/protocol-error.js";
import { JanusLink } from "./janus-link.js";
import type { SfuParticipant } from "./sfu-participant.js";
import { SfuRoom } from "./sfu-room.js";

export interface SfuCallsOptions {
  /** Janus's WebSocket API, ws:// or wss://. */
  janusUrl: string;
  logger: Logger;
  /** The videoroom's publishers. */
  maxParticipants: number;
  /** Sends a server message to a participant on this node (dropped if it is gone). */
  deliver(room: string, name: string, message: SfuServerMessage): void;
  /** How long a request to Janus may take before it fails with media-failed (default 10 s). */
  requestTimeoutMs?: number;
}

const REQUEST_TIMEOUT_MS = 10_000;
const INTERRUPTED_REASON = "The media server restarted; reconnecting…";
/** Janus's reasons are short; a refusal's text reaches the client, bounded. */
const MAX_DETAIL = 200;

/**
 * The SFU calls of this node's participants, through one Janus: the server's side of
 * packages/protocol/src/sfu.ts. The hub tells it who is in each SFU call (`callChanged`); it
 * keeps each local participant's Janus handles accordingly, and relays their sfu-* messages.
 * While Janus is away, the participants are told (`interrupted`); when it is back, everything is
 * made again and they are told to publish again (`ready`, the next epoch).
 */
export class SfuCalls {
  private readonly link: JanusLink;
  private readonly timeoutMs: number;
  private readonly calls = new Map<string, { participants: readonly string[]; local: ReadonlySet<string> }>();
  /** The rooms as Janus has them in the current session; none while it is down. */
  private readonly rooms = new Map<string, SfuRoom>();
  private readonly availabilityListeners = new Set<(available: boolean) => void>();
  private session: Session | null = null;
  /**
   * Random at start, so that a user who moves to another node, or back to a restarted one, never
   * gets the epoch its client already had: it publishes again on that node's connections.
   */
  private epoch = randomInt(1, 2 ** 30);
  private closed = false;

  constructor(private readonly options: SfuCallsOptions) {
    this.timeoutMs = options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS;
    this.link = new JanusLink({
      url: options.janusUrl,
      logger: options.logger,
      timeoutMs: this.timeoutMs,
      onUp: (session) => this.up(session),
      onDown: () => this.down(),
    });
  }

  /** Connects, and keeps reconnecting while not closed. */
  start(): void {
    this.link.start();
  }

  /** Connected to Janus now. */
  get available(): boolean {
    return this.session !== null;
  }

  /** Called with the new availability on every change; returns the function that unsubscribes. */
  onAvailability(listener: (available: boolean) => void): () => void {
    this.availabilityListeners.add(listener);
    return () => this.availabilityListeners.delete(listener);
  }

  /**
   * The room's SFU call has these participants now (cluster-wide, join order), `local` of them on
   * this node; [] ends it here. Idempotent; called on every change.
   */
  callChanged(room: string, participants: readonly string[], local: ReadonlySet<string>): void {
    if (this.closed) return;
    const before = this.calls.get(room)?.local ?? new Set<string>();
    if (participants.length === 0 || local.size === 0) this.calls.delete(room);
    else this.calls.set(room, { participants: [...participants], local: new Set(local) });
    if (!this.session) {
      for (const name of local) {
        if (!before.has(name)) this.deliverInterrupted(room, name);
      }
      return;
    }
    this.syncRoom(room, this.session);
  }

  /**
   * A local participant's sfu-* message. Throws ProtocolError: "no-call" when it is not in an SFU
   * call here, "media-unavailable" while Janus is down, "media-failed" when Janus refuses.
   */
  async handle(room: string, name: string, message: SfuClientMessage): Promise<void> {
    if (!this.calls.get(room)?.local.has(name)) throw new ProtocolError("no-call", "You are in no SFU call.");
    const member = this.rooms.get(room)?.member(name);
    if (!member) throw new ProtocolError("media-unavailable", "The media server is unreachable.");
    try {
      await this.dispatch(member, message);
    } catch (error) {
      throw this.refusal(member, error);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.calls.clear();
    const rooms = [...this.rooms.values()];
    this.rooms.clear();
    this.session = null;
    await Promise.all(rooms.map((room) => room.close()));
    await this.link.close();
  }

  private dispatch(member: SfuParticipant, message: SfuClientMessage): Promise<void> {
    switch (message.type) {
      case "sfu-publish":
        return member.publish(message);
      case "sfu-subscribe-answer":
        return member.answerOffer(message);
      case "sfu-candidate":
        return member.candidate(message);
      case "sfu-layer":
        return member.layer(message);
    }
  }

  private refusal(member: SfuParticipant, error: unknown): ProtocolError {
    if (error instanceof ProtocolError) return error;
    if (member.current === "abandoned") return new ProtocolError("media-unavailable", INTERRUPTED_REASON);
    if (member.current === "closed") return new ProtocolError("no-call", "You left the SFU call.");
    const reason = error instanceof Error ? error.message : String(error);
    this.options.logger.warn({ err: error, user: member.name }, "media server refused a request");
    return new ProtocolError("media-failed", `The media server refused: ${reason}`.slice(0, MAX_DETAIL));
  }

  private syncRoom(name: string, session: Session): void {
    const call = this.calls.get(name);
    let room = this.rooms.get(name);
    if (!call) {
      this.rooms.delete(name);
      void room?.close();
      return;
    }
    if (!room) {
      const { logger, maxParticipants, deliver } = this.options;
      room = new SfuRoom(name, { session, epoch: this.epoch, timeoutMs: this.timeoutMs, logger, maxParticipants, deliver });
      this.rooms.set(name, room);
    }
    room.update(call.participants, call.local);
  }

  private up(session: Session): void {
    if (this.closed) return;
    this.session = session;
    this.epoch++;
    this.announce(true);
    for (const room of this.calls.keys()) this.syncRoom(room, session);
  }

  private down(): void {
    this.session = null;
    for (const room of this.rooms.values()) {
      for (const name of room.abandon()) this.deliverInterrupted(room.name, name);
    }
    this.rooms.clear();
    this.announce(false);
  }

  private deliverInterrupted(room: string, name: string): void {
    this.options.deliver(room, name, { type: "sfu-status", state: "interrupted", epoch: this.epoch, reason: INTERRUPTED_REASON });
  }

  private announce(available: boolean): void {
    for (const listener of this.availabilityListeners) listener(available);
  }
}
