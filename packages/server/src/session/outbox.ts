import { FrameParts, type Frame } from "../wire/frame.js";

/** The socket side of a session: where frames go while the session is attached. */
export interface SessionTransport {
  send(frame: Frame): void;
}

/** Frames above this size are kept by reference (the shared `userlist` roster, `history`). */
export const COPY_LIMIT = 8 * 1024;
/**
 * An outbox keeps its first few frames of its own (not shared) by reference and allocates no
 * ring nor slots until it has more: an idle session keeps a frame or two (the `pong` answering
 * the ping that confirmed the rest), and a ring per idle user, allocated and freed at every
 * login burst, costs more memory than it saves. A busy session passes this in a moment and then
 * copies; the count starts again only when everything was confirmed.
 */
export const FEW_FRAMES = 8;
/** Smallest byte ring and frame-slot ring an outbox allocates. */
const MIN_RING_BYTES = 1024;
const MIN_SLOTS = 16;
/** Slot value of a frame kept by reference rather than in the byte ring. */
const BY_REFERENCE = 0xffffffff;

const byteSize = (frame: Frame) => (typeof frame === "string" ? Buffer.byteLength(frame) : frame.byteLength);

/**
 * Everything a session sends goes through its outbox. For a resumable session the outbox
 * numbers the frames sent after `welcome` and keeps those the client has not confirmed (its
 * `ping` carries how many it received), so a connection that dies with frames in flight loses
 * none: on resume the client says how many it got and the rest is sent again, once, in order.
 * While detached, frames wait here. Memory is bounded by `maxBytes` of UTF-8 (frames shared by
 * many recipients are counted in full for each, so the bound is conservative).
 *
 * The live frame goes to the socket as it is; what is kept is a copy of its bytes in a per-session
 * byte ring (allocated on demand, doubled up to `maxBytes`, released when everything is
 * confirmed) and its length in a typed-array ring, so a busy session keeps no JS object per frame
 * and the frames it relays die young. Frames above `COPY_LIMIT`, frames the sender marks as
 * shared (one frame sent to many sessions: copying it into each would multiply its bytes by the
 * number of recipients) and the first `FEW_FRAMES` kept while there is no ring are kept by
 * reference instead. A resume sends copies of the ring's bytes.
 */
export class Outbox {
  #transport: SessionTransport | null;
  #numbering = false;
  /** Frames numbered so far; frame n is the n-th after `welcome`. */
  #sent = 0;
  /** Unconfirmed frames, numbered #sent - #count + 1 ... #sent, oldest at #slotHead. */
  #count = 0;
  /** Per kept frame, its bytes in #ring, or BY_REFERENCE. Power-of-two length; null while every kept frame is by reference. */
  #slots: Uint32Array | null = null;
  #slotHead = 0;
  /** The kept frames' bytes, oldest at #ringHead, wrapping at the end. */
  #ring: Buffer | null = null;
  #ringHead = 0;
  #ringUsed = 0;
  /** Frames of its own this outbox kept by reference since it was last empty (see FEW_FRAMES). */
  #fewKept = 0;
  /** Frames kept by reference, oldest at #refHead. */
  #refs: Frame[] | null = null;
  #refHead = 0;
  /** Bytes of all kept frames, in the ring or by reference. */
  #keptBytes = 0;
  /** A frame was dropped unconfirmed while detached: the session can no longer resume. */
  #lostWhileDetached = false;

  constructor(
    transport: SessionTransport,
    private readonly maxBytes: number,
    private readonly fewFrames = FEW_FRAMES,
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

  /** How many frames are kept (sent and not confirmed). */
  get keptFrames(): number {
    return this.#count;
  }

  /** Bytes of the kept frames (UTF-8), in the ring or by reference. */
  get keptBytes(): number {
    return this.#keptBytes;
  }

  /** Bytes allocated for the ring (0 when nothing is kept). */
  get ringBytes(): number {
    return this.#ring?.byteLength ?? 0;
  }

  /** From now on frames are numbered and kept until confirmed. */
  startNumbering(): void {
    this.#numbering = true;
    this.#sent = 0;
    this.#release();
  }

  /** `shared`: the same frame goes to many sessions (see the class comment). */
  send(frame: Frame, shared = false): void {
    if (this.#numbering) this.#keep(frame, shared);
    this.#transport?.send(frame);
  }

  /** Sends without numbering: for replies about the connection itself (resume's welcome). */
  sendUnnumbered(frame: Frame): void {
    this.#transport?.send(frame);
  }

  /** The client received `received` frames: forget those. */
  confirm(received: number): void {
    const first = this.#sent - this.#count + 1;
    const drop = Math.min(this.#count, Math.max(0, received - first + 1));
    for (let i = 0; i < drop; i++) this.#dropOldest();
    if (this.#count === 0) this.#release();
  }

  detach(): void {
    this.#transport = null;
  }

  /** What a session handed to another node takes along: the numbering, and the frames not confirmed. */
  exportKept(): { sent: number; frames: Uint8Array[] } {
    const frames: Uint8Array[] = [];
    this.#replay({ send: (frame) => frames.push(typeof frame === "string" ? Buffer.from(frame) : frame instanceof FrameParts ? frame.join() : frame) });
    return { sent: this.#sent, frames };
  }

  /**
   * Continues an outbox handed over from another node (see `exportKept`): numbered, detached,
   * keeping `frames`, the last of which was frame number `sent`.
   */
  restoreKept(sent: number, frames: readonly Uint8Array[]): void {
    this.#transport = null;
    this.#numbering = true;
    this.#release();
    this.#sent = sent - frames.length;
    for (const frame of frames) this.#keep(frame, false);
  }

  /**
   * Takes a new connection whose client received `received` frames; sends `greeting` and then
   * the frames it missed. Returns false (and stays detached) if some of them were forgotten.
   */
  attach(transport: SessionTransport, received: number, greeting: Frame): boolean {
    const first = this.#sent - this.#count + 1;
    if (received > this.#sent || received < first - 1) return false;
    this.confirm(received);
    this.#transport = transport;
    this.#lostWhileDetached = false;
    transport.send(greeting);
    this.#replay(transport);
    return true;
  }

  #keep(frame: Frame, shared: boolean): void {
    this.#sent++;
    const size = byteSize(frame);
    if (size > this.maxBytes) {
      // Never kept: everything before it goes too, as it would to make room.
      if (this.#transport === null) this.#lostWhileDetached = true;
      this.#release();
      return;
    }
    while (this.#keptBytes + size > this.maxBytes) {
      this.#dropOldest();
      if (this.#transport === null) this.#lostWhileDetached = true;
    }
    const byReference = size > COPY_LIMIT || shared || (this.#ring === null && this.#fewKept++ < this.fewFrames);
    if (byReference) {
      // A literal holds one frame in one slot, where `push` on an empty array allocates 17: an
      // idle session keeps one frame (the `pong` to the ping that confirmed the rest).
      if (this.#refs === null) this.#refs = [frame];
      else this.#refs.push(frame);
    } else {
      this.#copyIn(frame, size);
    }
    this.#pushSlot(byReference ? BY_REFERENCE : size);
    this.#keptBytes += size;
  }

  #pushSlot(value: number): void {
    let slots = this.#slots;
    if (slots === null) {
      if (value === BY_REFERENCE) {
        this.#count++;
        return;
      }
      // The first frame in the ring: the frames before it are all by reference.
      let length = MIN_SLOTS;
      while (length <= this.#count) length *= 2;
      slots = this.#slots = new Uint32Array(length).fill(BY_REFERENCE, 0, this.#count);
      this.#slotHead = 0;
    } else if (this.#count === slots.length) {
      const grown = new Uint32Array(slots.length * 2);
      const head = this.#slotHead;
      grown.set(slots.subarray(head));
      grown.set(slots.subarray(0, head), slots.length - head);
      slots = this.#slots = grown;
      this.#slotHead = 0;
    }
    slots[(this.#slotHead + this.#count) & (slots.length - 1)] = value;
    this.#count++;
  }

  /** Copies `size` bytes of `frame` to the end of the ring, growing it if needed. */
  #copyIn(frame: Frame, size: number): void {
    const needed = this.#ringUsed + size;
    let ring = this.#ring;
    if (ring === null || ring.byteLength < needed) ring = this.#grow(needed);
    const capacity = ring.byteLength;
    let at = this.#ringHead + this.#ringUsed;
    if (at >= capacity) at -= capacity;
    const contiguous = capacity - at;
    if (typeof frame === "string") {
      if (size <= contiguous) ring.write(frame, at, size, "utf8");
      else this.#copyBytes(Buffer.from(frame, "utf8"), at, contiguous);
    } else if (frame instanceof FrameParts) {
      for (const part of frame.parts) {
        this.#copyBytes(part, at, capacity - at);
        at += part.byteLength;
        if (at >= capacity) at -= capacity;
      }
    } else if (size <= contiguous) {
      ring.set(frame, at);
    } else {
      this.#copyBytes(frame, at, contiguous);
    }
    this.#ringUsed = needed;
  }

  /** Copies `bytes` to the ring at `at`, wrapping after `contiguous` bytes. */
  #copyBytes(bytes: Uint8Array, at: number, contiguous: number): void {
    const ring = this.#ring!;
    if (bytes.byteLength <= contiguous) {
      ring.set(bytes, at);
    } else {
      ring.set(bytes.subarray(0, contiguous), at);
      ring.set(bytes.subarray(contiguous), 0);
    }
  }

  /** A ring of at least `needed` bytes (never above maxBytes), holding the kept bytes from 0. */
  #grow(needed: number): Buffer {
    const old = this.#ring;
    let capacity = old === null ? MIN_RING_BYTES : old.byteLength * 2;
    while (capacity < needed) capacity *= 2;
    capacity = Math.min(capacity, this.maxBytes);
    // Not from Buffer's shared pool: a ring must not pin a pool slab, nor live in one.
    const ring = Buffer.allocUnsafeSlow(capacity);
    if (old !== null && this.#ringUsed > 0) {
      const head = this.#ringHead;
      const first = Math.min(this.#ringUsed, old.byteLength - head);
      old.copy(ring, 0, head, head + first);
      if (first < this.#ringUsed) old.copy(ring, first, 0, this.#ringUsed - first);
    }
    this.#ring = ring;
    this.#ringHead = 0;
    return ring;
  }

  /** Forgets the oldest kept frame (confirmed, or pushed out by the bound). */
  #dropOldest(): void {
    const slots = this.#slots;
    let value = BY_REFERENCE;
    if (slots !== null) {
      value = slots[this.#slotHead]!;
      this.#slotHead = (this.#slotHead + 1) & (slots.length - 1);
    }
    this.#count--;
    if (value === BY_REFERENCE) {
      const refs = this.#refs!;
      this.#keptBytes -= byteSize(refs[this.#refHead]!);
      refs[this.#refHead] = undefined as unknown as Frame;
      if (++this.#refHead === refs.length) {
        refs.length = 0;
        this.#refHead = 0;
      } else if (this.#refHead >= 64 && this.#refHead * 2 >= refs.length) {
        // A session that is never empty would otherwise grow this array forever.
        refs.splice(0, this.#refHead);
        this.#refHead = 0;
      }
    } else {
      this.#keptBytes -= value;
      this.#ringUsed -= value;
      this.#ringHead += value;
      const capacity = this.#ring!.byteLength;
      if (this.#ringHead >= capacity) this.#ringHead -= capacity;
    }
  }

  /** Nothing is kept: gives the memory back. */
  #release(): void {
    this.#count = 0;
    this.#slots = null;
    this.#slotHead = 0;
    this.#ring = null;
    this.#ringHead = 0;
    this.#ringUsed = 0;
    this.#refs = null;
    this.#refHead = 0;
    this.#fewKept = 0;
    this.#keptBytes = 0;
  }

  /** Sends every kept frame again, oldest first: copies of the ring's bytes, or the kept frame. */
  #replay(transport: SessionTransport): void {
    const slots = this.#slots;
    if (slots === null) {
      for (let i = 0; i < this.#count; i++) transport.send(this.#refs![this.#refHead + i]!);
      return;
    }
    const ring = this.#ring;
    let at = this.#ringHead;
    let ref = this.#refHead;
    for (let i = 0; i < this.#count; i++) {
      const value = slots[(this.#slotHead + i) & (slots.length - 1)]!;
      if (value === BY_REFERENCE) {
        transport.send(this.#refs![ref++]!);
        continue;
      }
      const capacity = ring!.byteLength;
      const copy = Buffer.allocUnsafe(value);
      const first = Math.min(value, capacity - at);
      ring!.copy(copy, 0, at, at + first);
      if (first < value) ring!.copy(copy, first, 0, value - first);
      at += value;
      if (at >= capacity) at -= capacity;
      transport.send(copy);
    }
  }
}
