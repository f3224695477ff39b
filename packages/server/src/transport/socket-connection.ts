import type { Duplex } from "node:stream";
import type { RawData, WebSocket } from "ws";
import { BacklogWatch, type BacklogLimits } from "./backlog-watch.js";
import { FrameParts, type Frame } from "../wire/frame.js";
import type { Session } from "../session/session.js";
import type { Connection as ConnectionOf } from "../session/session-context.js";

type Connection = ConnectionOf<Session>;

/** What a connection reports to its endpoint: one object shared by all connections. */
export interface ConnectionEvents {
  closed(connection: SocketConnection, code: number): void;
  /** It stopped reading for good (see BacklogWatch). */
  stalled(connection: SocketConnection): void;
  socketError(connection: SocketConnection, error: Error & { code?: string }): void;
}

const CONNECTION = Symbol("connection");
type TaggedSocket = WebSocket & { [CONNECTION]: SocketConnection };
const connectionOf = (socket: WebSocket) => (socket as TaggedSocket)[CONNECTION];

/**
 * One WebSocket and what the endpoint knows of it. Memory per connection counts (thousands of
 * idle users): its socket's listeners are functions shared by all connections, which find their
 * connection on the socket, and the slow-consumer watch is made only for a connection that
 * falls behind.
 */
export class SocketConnection implements Connection {
  session!: Session;
  alive = true;
  /** Cut off by the server: its session must not be kept for resuming. */
  cut = false;
  /** Its session moved to another connection. */
  replaced = false;
  /** Cut for not reading (its session may still be resumed). */
  stalled = false;

  /** The TCP socket is corked: what is sent until the next tick leaves in one write. */
  #corked = false;
  /** Cuts the client if it stops reading for good; made the first time it falls behind. */
  #backlog: BacklogWatch | undefined;

  constructor(
    readonly socket: WebSocket,
    /** The TCP socket under `socket`. */
    private readonly stream: Duplex,
    readonly remoteAddress: string,
    private readonly limits: BacklogLimits,
    readonly events: ConnectionEvents,
    private readonly observeSent?: (data: string | Uint8Array) => void,
  ) {
    (socket as TaggedSocket)[CONNECTION] = this;
    socket.on("message", onMessage);
    socket.on("pong", onPong);
    socket.on("error", onError);
    socket.on("close", onClose);
  }

  /**
   * Everything sent to this connection while one incoming chunk is handled (a relayed burst, a
   * login's welcome, ack, userlist and history) goes out in one `writev` on the next tick rather
   * than one system call per message. The slow-consumer check runs after that write, on what
   * the kernel did not take.
   */
  send(frame: Frame): void {
    if (!this.#corked) {
      this.#corked = true;
      this.stream.cork();
      process.nextTick(uncork, this);
    }
    const data = frame instanceof FrameParts ? frame.join() : frame;
    this.observeSent?.(data);
    this.socket.send(data, { binary: false });
  }

  /** Writes what was corked, then checks whether the client keeps up. */
  flush(): void {
    this.#corked = false;
    this.stream.uncork();
    // Under the limit with no watch yet, a check would find nothing to do.
    if (this.#backlog === undefined && this.socket.bufferedAmount <= this.limits.maxQueuedBytes) return;
    this.#backlog ??= new BacklogWatch(this.limits, () => this.socket.bufferedAmount, () => this.events.stalled(this));
    this.#backlog.check();
  }

  /** The connection is gone: no more slow-consumer checks. */
  stopWatching(): void {
    this.#backlog?.stop();
  }

  close(code: number, reason: string): void {
    this.cut = true;
    this.socket.close(code, reason);
  }
}

const uncork = (connection: SocketConnection) => connection.flush();

function onMessage(this: WebSocket, data: RawData, isBinary: boolean): void {
  const connection = connectionOf(this);
  connection.alive = true;
  connection.session.receive(data as Buffer, isBinary);
}

function onPong(this: WebSocket): void {
  connectionOf(this).alive = true;
}

function onError(this: WebSocket, error: Error & { code?: string }): void {
  const connection = connectionOf(this);
  connection.events.socketError(connection, error);
}

function onClose(this: WebSocket, code: number): void {
  const connection = connectionOf(this);
  connection.events.closed(connection, code);
}
