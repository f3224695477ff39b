/**
 * A lean WebSocket client transport over a plain TCP socket, so that the generator costs less
 * than the servers it loads: frames queued during one event-loop turn go out in one write
 * (one buffer, one syscall), client frames use a zero mask (legal; the server still unmasks),
 * incoming frames are cut out of each read with no copying, and pings are answered.
 * Only what these servers send is handled: unmasked frames, possibly fragmented.
 */
import { randomBytes } from "node:crypto";
import { connect, type Socket } from "node:net";

export interface Transport {
  send(frame: string): void;
  /** Bytes accepted but not yet handed to the kernel. */
  readonly buffered: number;
  /** A normal close (1000): the server sees the user leave. */
  close(): Promise<void>;
  /** Drops the TCP connection without a closing handshake (the server sees 1006). */
  terminate(): Promise<void>;
}

export interface TransportEvents {
  frame(data: Buffer): void;
  close(): void;
}

const OP_CONTINUATION = 0x0;
const OP_TEXT = 0x1;
const OP_CLOSE = 0x8;
const OP_PING = 0x9;
const OP_PONG = 0xa;
const CLOSE_NORMAL = Buffer.from([0x03, 0xe8]);

/** A frame waiting to be written: text, or a control frame. */
type Outgoing = string | { opcode: number; payload: Buffer };

export function openRaw(url: string, events: TransportEvents, timeoutMs: number): Promise<Transport> {
  const target = new URL(url);
  const socket = connect({ host: target.hostname, port: Number(target.port), noDelay: true });
  const transport = new RawTransport(socket, events);
  socket.once("connect", () => {
    socket.write(
      `GET ${target.pathname}${target.search} HTTP/1.1\r\nHost: ${target.host}\r\nUpgrade: websocket\r\n` +
        `Connection: Upgrade\r\nSec-WebSocket-Key: ${randomBytes(16).toString("base64")}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    );
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => (socket.destroy(), reject(new Error(`handshake with ${url} timed out`))), timeoutMs);
    transport.onOpen = (error) => {
      clearTimeout(timer);
      if (error) reject(error);
      else resolve(transport);
    };
  });
}

class RawTransport implements Transport {
  onOpen: (error?: Error) => void = () => {};
  #open = false;
  #pending: Buffer | undefined;
  #fragments: Buffer[] = [];
  #queue: Outgoing[] = [];
  #queuedBytes = 0;
  #flushScheduled = false;
  readonly #closed: Promise<void>;

  constructor(
    private readonly socket: Socket,
    private readonly events: TransportEvents,
  ) {
    this.#closed = new Promise((resolve) => socket.once("close", () => resolve()));
    socket.on("data", (chunk: Buffer) => this.#read(chunk));
    socket.on("error", (error) => {
      if (!this.#open) this.onOpen(error);
    });
    socket.once("close", () => {
      if (!this.#open) this.onOpen(new Error("connection closed during the handshake"));
      events.close();
    });
  }

  get buffered(): number {
    return this.#queuedBytes + this.socket.writableLength;
  }

  send(frame: string): void {
    this.#enqueue(frame);
  }

  close(): Promise<void> {
    if (!this.socket.destroyed) {
      this.#enqueue({ opcode: OP_CLOSE, payload: CLOSE_NORMAL });
      setTimeout(() => this.socket.destroy(), 2_000).unref();
    }
    return this.#closed;
  }

  terminate(): Promise<void> {
    this.socket.destroy();
    return this.#closed;
  }

  #flush(): void {
    this.#flushScheduled = false;
    const queue = this.#queue;
    this.#queue = [];
    this.#queuedBytes = 0;
    if (this.socket.destroyed) return;
    const lengths = queue.map((item) => (typeof item === "string" ? Buffer.byteLength(item) : item.payload.length));
    let total = 0;
    for (const length of lengths) total += headerLength(length) + length;
    const out = Buffer.allocUnsafe(total);
    let offset = 0;
    queue.forEach((item, i) => {
      const length = lengths[i]!;
      offset = writeHeader(out, offset, 0x80 | (typeof item === "string" ? OP_TEXT : item.opcode), length);
      offset += typeof item === "string" ? out.write(item, offset) : item.payload.copy(out, offset);
    });
    this.socket.write(out);
  }

  #enqueue(item: Outgoing): void {
    this.#queue.push(item);
    this.#queuedBytes += typeof item === "string" ? item.length : item.payload.length;
    if (!this.#flushScheduled) {
      this.#flushScheduled = true;
      setImmediate(() => this.#flush());
    }
  }

  #read(chunk: Buffer): void {
    let data = this.#pending ? Buffer.concat([this.#pending, chunk]) : chunk;
    this.#pending = undefined;
    if (!this.#open) {
      const end = data.indexOf("\r\n\r\n");
      if (end < 0) return void (this.#pending = data);
      const status = data.toString("latin1", 0, data.indexOf("\r\n"));
      if (!/^HTTP\/1\.1 101 /.test(status)) {
        this.onOpen(new Error(`upgrade refused: ${status}`));
        this.socket.destroy();
        return;
      }
      this.#open = true;
      this.onOpen();
      data = data.subarray(end + 4);
    }
    let offset = 0;
    while (data.length - offset >= 2) {
      const b0 = data[offset]!;
      let length = data[offset + 1]! & 0x7f;
      let header = 2;
      if (length === 126) {
        if (data.length - offset < 4) break;
        length = data.readUInt16BE(offset + 2);
        header = 4;
      } else if (length === 127) {
        if (data.length - offset < 10) break;
        length = data.readUInt32BE(offset + 2) * 2 ** 32 + data.readUInt32BE(offset + 6);
        header = 10;
      }
      if (data.length - offset < header + length) break;
      const payload = data.subarray(offset + header, offset + header + length);
      offset += header + length;
      this.#frame(b0, payload);
    }
    if (offset < data.length) this.#pending = data.subarray(offset);
  }

  #frame(b0: number, payload: Buffer): void {
    const fin = (b0 & 0x80) !== 0;
    const opcode = b0 & 0x0f;
    if (opcode === OP_PING) {
      this.#enqueue({ opcode: OP_PONG, payload: Buffer.from(payload) });
    } else if (opcode === OP_CLOSE) {
      this.socket.end();
    } else if (opcode < OP_CLOSE) {
      if (!fin || (opcode === OP_CONTINUATION && this.#fragments.length > 0)) {
        this.#fragments.push(Buffer.from(payload));
        if (!fin) return;
        payload = Buffer.concat(this.#fragments);
        this.#fragments = [];
      }
      this.events.frame(payload);
    }
  }
}

const headerLength = (length: number) => (length < 126 ? 6 : length < 65536 ? 8 : 14);

/** A masked client frame header (FIN set) with a zero masking key; returns the offset after it. */
function writeHeader(out: Buffer, offset: number, b0: number, length: number): number {
  out[offset] = b0;
  if (length < 126) {
    out[offset + 1] = 0x80 | length;
    offset += 2;
  } else if (length < 65536) {
    out[offset + 1] = 0x80 | 126;
    out.writeUInt16BE(length, offset + 2);
    offset += 4;
  } else {
    out[offset + 1] = 0x80 | 127;
    out.writeUInt32BE(Math.floor(length / 2 ** 32), offset + 2);
    out.writeUInt32BE(length >>> 0, offset + 6);
    offset += 10;
  }
  out.writeUInt32BE(0, offset);
  return offset + 4;
}
