import type { Frame } from "../hub/peer.js";

/** The socket side of a session: where frames go while the session is attached. */
export interface SessionTransport {
  send(frame: Frame): void;
}

const sizeOf = (frame: Frame) => (typeof frame === "string" ? frame.length : frame.byteLength);

/**
 * Everything a session sends goes through its outbox. For a resumable session the outbox
 * numbers the frames sent after `welcome` and keeps those the client has not confirmed (its
 * `ping` carries how many it received), so a connection that dies with frames in flight loses
 * none: on resume the client says how many it got and the rest is sent again, once, in order.
 * While detached, frames wait here. Memory is bounded by `maxBytes` (frames shared by many
 * recipients are counted in full for each, so the bound is conservative).
 */
export class Outbox {
  #transport: SessionTransport | null;
  #numbering = false;
  /** Frames numbered so far; frame n is the n-th after `welcome`. */
  #sent = 0;
  /** Unconfirmed frames, numbered #sent - length + 1 ... #sent. */
  #kept: Frame[] = [];
  #keptBytes = 0;
  /** A frame was dropped unconfirmed while detached: the session can no longer resume. */
  #lostWhileDetached = false;

  constructor(
    transport: SessionTransport,
    private readonly maxBytes: number,
  ) {
    this.#transport = transport;
  }

  get attached(): boolean {
    return this.#transport !== null;
  }

  /** True when a detached session had more waiting than it may keep: it cannot resume. */
  get overflowed(): boolean {
    return this.#lostWhileDetached;
  }

  /** From now on frames are numbered and kept until confirmed. */
  startNumbering(): void {
    this.#numbering = true;
    this.#sent = 0;
    this.#kept = [];
    this.#keptBytes = 0;
  }

  send(frame: Frame): void {
    if (this.#numbering) this.#keep(frame);
    this.#transport?.send(frame);
  }

  /** Sends without numbering: for replies about the connection itself (resume's welcome). */
  sendUnnumbered(frame: Frame): void {
    this.#transport?.send(frame);
  }

  /** The client received `received` frames: forget those. */
  confirm(received: number): void {
    const first = this.#sent - this.#kept.length + 1;
    const drop = Math.min(this.#kept.length, Math.max(0, received - first + 1));
    for (let i = 0; i < drop; i++) this.#keptBytes -= sizeOf(this.#kept[i]!);
    if (drop > 0) this.#kept = this.#kept.slice(drop);
  }

  detach(): void {
    this.#transport = null;
  }

  /**
   * Takes a new connection whose client received `received` frames; sends `greeting` and then
   * the frames it missed. Returns false (and stays detached) if some of them were forgotten.
   */
  attach(transport: SessionTransport, received: number, greeting: Frame): boolean {
    const first = this.#sent - this.#kept.length + 1;
    if (received > this.#sent || received < first - 1) return false;
    this.confirm(received);
    this.#transport = transport;
    this.#lostWhileDetached = false;
    transport.send(greeting);
    for (const frame of this.#kept) transport.send(frame);
    return true;
  }

  #keep(frame: Frame): void {
    this.#sent++;
    this.#kept.push(frame);
    this.#keptBytes += sizeOf(frame);
    while (this.#keptBytes > this.maxBytes && this.#kept.length > 0) {
      this.#keptBytes -= sizeOf(this.#kept.shift()!);
      if (this.#transport === null) this.#lostWhileDetached = true;
    }
  }
}
