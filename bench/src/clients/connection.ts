/**
 * One client connection of the load generator, the same for every server. Frames are handed
 * over as raw Buffers (no decoding unless a workload asks for it) and counted.
 */
import { openRaw, type Transport } from "./raw-transport.js";
import { openWs } from "./ws-transport.js";

export type FrameHandler = (data: Buffer) => void;
export type TransportKind = "raw" | "ws";

export class Connection {
  /** Which client implementation new connections use (`--client`). */
  static transportKind: TransportKind = "raw";
  bytesReceived = 0;
  framesReceived = 0;
  closed = false;
  #transport!: Transport;
  #handler: FrameHandler | undefined;
  /** Frames that arrived before anyone listened (e.g. a greeting in the same read as the 101). */
  #early: Buffer[] = [];
  #timers: ReturnType<typeof setInterval>[] = [];

  static async open(url: string, timeoutMs = 15_000): Promise<Connection> {
    const connection = new Connection();
    const events = {
      frame: (data: Buffer) => connection.#receive(data),
      close: () => {
        connection.closed = true;
        for (const timer of connection.#timers) clearInterval(timer);
      },
    };
    const open = Connection.transportKind === "raw" ? openRaw : openWs;
    connection.#transport = await open(url, events, timeoutMs);
    return connection;
  }

  /** Called for every frame received; frames that came before the first handler are replayed to it. */
  get onFrame(): FrameHandler {
    return this.#handler ?? ((data) => void this.#early.push(data));
  }

  set onFrame(handler: FrameHandler) {
    this.#handler = handler;
    const early = this.#early;
    this.#early = [];
    for (const data of early) handler(data);
  }

  send(frame: string): void {
    this.#transport.send(frame);
  }

  /** Bytes queued in user space, not yet handed to the kernel. */
  get buffered(): number {
    return this.#transport.buffered;
  }

  /**
   * Resolves with the first JSON message that `accept` maps to a value; rejects after `timeoutMs`
   * or when `accept` throws. It only peeks: every frame still reaches the next handler.
   */
  waitFor<T>(accept: (message: Record<string, unknown>) => T | undefined, timeoutMs = 15_000): Promise<T> {
    const previous = this.onFrame;
    return new Promise<T>((resolve, reject) => {
      const settle = (error: unknown, result?: T) => {
        clearTimeout(timer);
        this.onFrame = previous;
        if (error) reject(error);
        else resolve(result!);
      };
      const timer = setTimeout(() => settle(new Error("timed out waiting for a message")), timeoutMs);
      this.onFrame = (data) => {
        previous(data);
        try {
          const result = accept(JSON.parse(data.toString()) as Record<string, unknown>);
          if (result !== undefined) settle(undefined, result);
        } catch (error) {
          settle(error);
        }
      };
    });
  }

  /** Runs `task` every `ms` while the connection is open (as a client's heartbeat does). */
  every(ms: number, task: () => void): void {
    const timer = setInterval(() => {
      if (!this.closed) task();
    }, ms);
    timer.unref();
    this.#timers.push(timer);
  }

  /** Closes normally (1000): the user has left. */
  close(): Promise<void> {
    return this.#transport.close();
  }

  /** Drops the connection without a closing handshake (the server sees an abnormal 1006). */
  terminate(): Promise<void> {
    return this.#transport.terminate();
  }

  #receive(data: Buffer): void {
    this.bytesReceived += data.length;
    this.framesReceived++;
    if (this.#handler) this.#handler(data);
    else this.#early.push(data);
  }
}
