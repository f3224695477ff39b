import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { CLOSE_CODES, WEBSOCKET_PATHS, WEBSOCKET_SUBPROTOCOL, type Ref } from "@switchboard/protocol";
import { WebSocketServer, type WebSocket } from "ws";
import type { Config } from "../config.js";
import { SocketConnection, type ConnectionEvents } from "./socket-connection.js";
import type { ClientAddresses } from "../http/client-address.js";
import { refuseSocket } from "../http/guard.js";
import { requestPath } from "../http/request-target.js";
import type { ConnectionLimits } from "../limits/connection-limits.js";
import { LoginLimits } from "../limits/login-limits.js";
import { UnfinishedBytesBudget } from "../limits/unfinished-bytes-budget.js";
import { meterUnfinishedMessages } from "./unfinished-messages.js";
import type { Logger } from "../logger.js";
import type { Metrics } from "../metrics.js";
import { ResumeRegistry } from "../session/resume-registry.js";
import type { SessionHandover } from "../bus/bus.js";
import type { Peer } from "../hub/peer.js";
import type { ClusterSessions, HandedOver } from "../session/cluster-sessions.js";
import type { ResumeOutcome } from "../session/handover.js";
import { Session } from "../session/session.js";
import type { Connection as ConnectionOf, SessionContext as SessionContextOf } from "../session/session-context.js";

type Connection = ConnectionOf<Session>;
type SessionContext = SessionContextOf<Session>;

export interface WebSocketEndpointOptions {
  config: Pick<
    Config,
    | "hardMaxMessageBytes"
    | "heartbeatTimeoutMs"
    | "maxQueuedBytes"
    | "slowConsumerGraceMs"
    | "hardMaxQueuedBytes"
    | "loginsPerMinutePerIp"
    | "maxUnfinishedMessageBytes"
    | "allowedOrigins"
    | "resumeGraceMs"
  >;
  logger: Logger;
  metrics: Metrics;
  /** Whose address an upgrade is (behind a trusted proxy, X-Forwarded-For's). */
  clientAddresses: ClientAddresses;
  /** Per-address caps, shared with the HTTP server that counts every TCP connection. */
  connectionLimits: ConnectionLimits;
  /** Sees every frame written to a client (tests check each against the protocol). */
  observeSent?: (data: string | Uint8Array) => void;
  /** What sessions share; the endpoint adds resume and per-IP login limits. */
  session: Omit<SessionContext, "registerResumable" | "resume" | "allowLogin" | "overflowed" | "signInExpired">;
  /** Sessions on other nodes: resumed here, or handed over from here (see `ClusterSessions`). */
  cluster: ClusterSessions;
}

const ACCEPTED_PATHS: ReadonlySet<string> = new Set(WEBSOCKET_PATHS);
/**
 * Close codes after which a session waits to be resumed: the connection dropped without a close
 * frame (1006), or the client closed it to reconnect at once (4000). Any other close, a client's
 * normal close (1000, 1001, 1005) above all, means the user left.
 */
const RESUMABLE_CLOSE_CODES: ReadonlySet<number> = new Set([1006, CLOSE_CODES.reconnecting]);
/** Closes of a draining node's connections after which, in a cluster, the client resumes on another node: not a logout. */
const DRAIN_CLOSE_CODES: ReadonlySet<number> = new Set([1006, CLOSE_CODES.serviceRestart]);
/** How long a connection closed to free its buffers has to read the close frame before it is dropped. */
const EVICTION_LINGER_MS = 500;

/**
 * The WebSocket side of the one HTTP port: checks upgrades (path, origin, per-IP connections),
 * selects the article's `json` subprotocol when offered, gives each socket a Session, finds dead
 * connections by heartbeat, cuts clients that stop reading, and keeps dropped modern sessions
 * for resuming.
 */
export class WebSocketEndpoint {
  readonly #wss: WebSocketServer;
  readonly #connections = new Set<SocketConnection>();
  readonly #connectionOf = new Map<Session, SocketConnection>();
  readonly #loginLimits: LoginLimits;
  readonly #unfinished: UnfinishedBytesBudget;
  readonly #registry: ResumeRegistry;
  readonly #sessionContext: SessionContext;
  readonly #heartbeat: ReturnType<typeof setInterval>;
  #accepting = true;
  /** What every connection reports here: one object, not closures per connection. */
  readonly #connectionEvents: ConnectionEvents = {
    closed: (connection, code) => this.#closed(connection, code),
    stalled: (connection) => this.#cutSlowConsumer(connection),
    socketError: (connection, error) => {
      // ws reports protocol violations (oversized message, bad UTF-8) as WS_ERR_* and closes the
      // connection itself: the client broke the rules, so its session is not kept for resuming.
      if (error.code?.startsWith("WS_ERR_")) connection.cut = true;
      this.options.logger.debug({ err: error, session: connection.session.id }, "socket error");
    },
  };

  constructor(private readonly options: WebSocketEndpointOptions) {
    const { config } = options;
    this.#loginLimits = new LoginLimits(config);
    this.#unfinished = new UnfinishedBytesBudget(config.maxUnfinishedMessageBytes);
    this.#registry = new ResumeRegistry({
      graceMs: config.resumeGraceMs,
      onExpired: (session) => {
        options.metrics.sessionsExpired++;
        options.cluster.forget(session);
        session.end();
      },
    });
    this.#sessionContext = {
      ...options.session,
      registerResumable: (session) => {
        this.#registry.register(session);
        options.cluster.remember(session);
      },
      resume: (token, received, connection, ref, signedInAs) => this.#resume(token, received, connection as SocketConnection, ref, signedInAs),
      allowLogin: (address) => this.#loginLimits.allowLogin(address),
      // Deferred: this is called while the hub is sending, and ending a session sends too.
      overflowed: (session) => setImmediate(() => this.#registry.expire(session)),
      signInExpired: (session) => {
        this.options.logger.info({ session: session.id, name: session.name }, "sign-in token expired: session ended");
        this.#endAndClose(session, CLOSE_CODES.signInRequired, "sign-in token expired");
      },
    };
    this.#wss = new WebSocketServer({
      noServer: true,
      // Messages above the soft limit get an error and the connection lives on; only past this
      // hard cap is the connection closed (1009), since ws must buffer a message to skip it.
      maxPayload: config.hardMaxMessageBytes,
      // Compression costs CPU per message and invites decompression bombs; SDP is small.
      perMessageDeflate: false,
      // The endpoint keeps its own set of connections: ws's would cost a listener per socket.
      clientTracking: false,
      handleProtocols: (offered) => (offered.has(WEBSOCKET_SUBPROTOCOL) ? WEBSOCKET_SUBPROTOCOL : false),
    });
    // Each round pings every connection; one that did not answer the previous round is dead.
    this.#heartbeat = setInterval(() => this.#checkHeartbeats(), config.heartbeatTimeoutMs / 2);
    this.#heartbeat.unref();
  }

  get connectionCount(): number {
    return this.#connections.size;
  }

  get detachedSessionCount(): number {
    return this.#registry.detachedCount;
  }

  /** Bytes buffered, across connections, of messages still arriving. */
  get unfinishedMessageBytes(): number {
    return this.#unfinished.totalBytes;
  }

  /** The logged-in session holding `resumeToken`, which only its client knows. */
  sessionByToken(resumeToken: string): Session | undefined {
    const session = this.#registry.find(resumeToken);
    return session?.name ? session : undefined;
  }

  /**
   * Handles an HTTP upgrade request, refusing it with an HTTP status when it breaks a rule. The
   * per-address place it takes is counted on the socket and given back when the socket closes,
   * whether ws completes the handshake or refuses it (bad key, bad version, ...).
   */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    if (!this.#accepting) return refuseSocket(socket, 503);
    const path = requestPath(request.url);
    if (path === undefined) return refuseSocket(socket, 400);
    if (!ACCEPTED_PATHS.has(path)) return refuseSocket(socket, 404);
    const { allowedOrigins } = this.options.config;
    const origin = request.headers.origin;
    // Browsers always send Origin; other clients may omit it (and could forge it anyway).
    if (origin !== undefined && allowedOrigins.length > 0 && !allowedOrigins.includes(origin)) {
      this.options.metrics.connectionsRefusedOrigin++;
      return refuseSocket(socket, 403);
    }
    const address = this.options.clientAddresses.of(request);
    if (!this.options.connectionLimits.admitWebSocket(address, request.socket.remoteAddress ?? "unknown", socket)) {
      this.options.metrics.connectionsRefusedIp++;
      return refuseSocket(socket, 429);
    }
    // ws writes the 101 itself; corked until the next tick, it and the `id` sent on accept go
    // out in one write (a join storm's every connection otherwise costs one more syscall).
    socket.cork();
    process.nextTick(uncork, socket);
    this.#wss.handleUpgrade(request, socket, head, (ws) => {
      const connection = this.#accept(ws, socket, address);
      meterUnfinishedMessages(socket, this.#unfinished, () => this.#evictUnfinished(connection, socket));
    });
  }

  /** The server holds too much of unfinished messages, this connection the most: it goes. */
  #evictUnfinished(connection: SocketConnection, socket: Duplex): void {
    this.options.metrics.unfinishedMessagesCut++;
    this.options.logger.warn({ session: connection.session.id, address: connection.remoteAddress }, "unfinished messages over budget: closed");
    connection.close(CLOSE_CODES.tryAgainLater, "server busy");
    // Read nothing more; what ws holds is freed with the socket, once the close frame is out.
    socket.pause();
    setTimeout(() => connection.socket.terminate(), EVICTION_LINGER_MS).unref();
  }

  /**
   * Shutdown: accept nothing more, tell every client to reconnect (1012) after what is queued
   * for it, wait for the closes up to `timeoutMs`, then end what is left.
   */
  async drain(timeoutMs: number): Promise<void> {
    this.#accepting = false;
    clearInterval(this.#heartbeat);
    const closed = [...this.#connections].map(
      (connection) => new Promise<void>((resolve) => connection.socket.once("close", () => resolve())),
    );
    for (const connection of this.#connections) connection.close(CLOSE_CODES.serviceRestart, "server restarting");
    const deadline = Date.now() + timeoutMs;
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([Promise.all(closed), new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
    clearTimeout(timer);
    for (const connection of this.#connections) connection.socket.terminate();
    // In a cluster the clients resume on other nodes, which take their sessions over from here.
    while (this.options.cluster.clustered && this.#registry.detachedCount > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await this.options.cluster.handOffsSettled(deadline - Date.now());
    this.#registry.close();
    this.#wss.close();
  }

  #accept(socket: WebSocket, stream: Duplex, address: string): SocketConnection {
    const connection = new SocketConnection(socket, stream, address, this.options.config, this.#connectionEvents, this.options.observeSent);
    this.#connections.add(connection);
    connection.session = new Session(connection, this.#sessionContext);
    this.#connectionOf.set(connection.session, connection);
    return connection;
  }

  #closed(connection: SocketConnection, code: number): void {
    connection.stopWatching();
    this.#connections.delete(connection);
    if (connection.replaced) return;
    const session = connection.session;
    this.#connectionOf.delete(session);
    this.options.logger.debug({ session: session.id, name: session.name, code }, "disconnected");
    // Draining (closed by this node, 1012): in a cluster its client resumes on another node.
    const kept = this.#accepting ? !connection.cut && RESUMABLE_CLOSE_CODES.has(code) : this.options.cluster.clustered && DRAIN_CLOSE_CODES.has(code);
    if (session.resumable && kept) {
      this.#registry.detach(session);
    } else {
      this.#registry.forget(session);
      this.options.cluster.forget(session);
      session.end();
    }
  }

  #resume(token: string, received: number, connection: SocketConnection, ref?: Ref, signedInAs?: string): ResumeOutcome | Promise<ResumeOutcome> {
    const session = this.#registry.find(token);
    const { cluster } = this.options;
    if (!session && !cluster.clustered) return "fresh";
    if (!session) return cluster.resumeElsewhere(token, (handedOver) => this.#adopt(handedOver, token, received, connection, ref), signedInAs);
    // A resume token alone is not enough with sign-in: the token must be for the same user.
    if (signedInAs !== undefined && session.name !== signedInAs) return "fresh";
    return this.#resumeHere(session, received, connection, ref) ? "resumed" : "fresh";
  }

  /**
   * The client of a session handed over from another node resumes it on `connection`: the
   * session is this node's from now on. False when that did not work out (the client starts afresh).
   */
  #adopt(handedOver: HandedOver, token: string, received: number, connection: SocketConnection, ref?: Ref): boolean {
    const session = new Session(connection, this.#sessionContext, handedOver);
    session.resumeToken = token;
    if (!this.options.cluster.adopt(session, handedOver.state)) return false;
    this.#registry.register(session);
    session.adopted();
    // Its sign-in ran out on the way: it is over (ended and forgotten), and the client starts afresh.
    if (session.ended) return false;
    if (!this.#connections.has(connection)) {
      // Its client left while the session was on its way: it waits here, as after any drop.
      this.#registry.detach(session);
      return false;
    }
    if (!this.#resumeHere(session, received, connection, ref)) {
      this.#registry.expire(session);
      return false;
    }
    return true;
  }

  /**
   * The live way off this node for a session whose client resumed on another (`to`): handed
   * over, never ended, so that nobody sees its user leave.
   */
  handOver(token: string, to: string): SessionHandover | undefined {
    const session = this.#registry.find(token);
    if (!session?.name || !this.options.cluster.canHandOff(session)) return undefined;
    const connection = this.#connectionOf.get(session);
    if (connection) {
      connection.replaced = true;
      connection.close(CLOSE_CODES.sessionReplaced, "session resumed on another node");
      this.#connectionOf.delete(session);
    }
    this.#registry.forget(session);
    return this.options.cluster.handOff(session, to);
  }

  /**
   * A user of this node lost its name to another session (see `HubHooks.lost`): its session
   * ends, and its client, told why, logs in afresh.
   */
  closeLost(peer: Peer): void {
    // Not 4001 (the SDK would stop): it reconnects, finds no session, and logs in afresh.
    this.#endAndClose(peer as Session, CLOSE_CODES.tryAgainLater, "your name went to another session: log in again");
  }

  /** A moderator removed `peer` from its room (it was told why): its session ends, and its client should not come back. */
  closeRemoved(peer: Peer): void {
    this.#endAndClose(peer as Session, CLOSE_CODES.removed, "removed from the room by a moderator");
  }

  #endAndClose(session: Session, code: number, reason: string): void {
    this.#registry.forget(session);
    this.options.cluster.forget(session);
    session.end();
    this.#connectionOf.get(session)?.close(code, reason);
  }

  /** Writes every resumable session's record to the store again (after it lost them). */
  rememberResumables(): void {
    for (const session of this.#registry.sessions()) this.options.cluster.remember(session);
  }

  #resumeHere(session: Session, received: number, connection: SocketConnection, ref?: Ref): boolean {
    // The old connection may not have been found dead yet: the new one wins.
    const previous = this.#connectionOf.get(session);
    if (previous) {
      previous.replaced = true;
      previous.close(CLOSE_CODES.sessionReplaced, "session resumed on another connection");
      this.#connectionOf.delete(session);
      session.outbox.detach();
    }
    // Each token works once: the resumed welcome carries the next one.
    this.options.cluster.forget(session);
    this.#registry.rotate(session);
    this.options.cluster.remember(session);
    if (!session.attach(connection, received, ref)) {
      this.#registry.expire(session);
      return false;
    }
    this.#registry.reattached(session);
    this.#connectionOf.delete(connection.session);
    connection.session = session;
    this.#connectionOf.set(session, connection);
    this.options.metrics.sessionsResumed++;
    return true;
  }

  #cutSlowConsumer(connection: SocketConnection): void {
    if (connection.stalled) return;
    connection.stalled = true;
    this.options.metrics.slowConsumersCut++;
    this.options.logger.warn({ session: connection.session.id, name: connection.session.name }, "client not reading: cut off");
    // Nothing more can be written to it, not even a close frame: drop the socket now. A stall
    // is no abuse: the session (modern) waits to be resumed, and what the client has not
    // confirmed, up to the resume buffer, is sent again then.
    connection.socket.terminate();
  }

  #checkHeartbeats(): void {
    for (const connection of this.#connections) {
      if (!connection.alive) {
        this.options.metrics.heartbeatTimeouts++;
        connection.socket.terminate();
        continue;
      }
      connection.alive = false;
      connection.socket.ping();
    }
    this.#loginLimits.sweep();
  }
}

function uncork(socket: Duplex): void {
  socket.uncork();
}
