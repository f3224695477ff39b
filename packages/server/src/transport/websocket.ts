import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { CLOSE_CODES, WEBSOCKET_PATHS, WEBSOCKET_SUBPROTOCOL } from "@switchboard/protocol";
import { WebSocketServer, type WebSocket } from "ws";
import type { Logger } from "../logger.js";
import { Session, type SessionContext } from "../session.js";

export interface WebSocketEndpointOptions {
  hardMaxMessageBytes: number;
  logger: Logger;
  session: SessionContext;
}

const ACCEPTED_PATHS: ReadonlySet<string> = new Set(WEBSOCKET_PATHS);

/**
 * The WebSocket side of the one HTTP port: accepts upgrades on `/` and `/ws`, selects the
 * article's `json` subprotocol when offered, and gives each socket a Session.
 */
export class WebSocketEndpoint {
  readonly #wss: WebSocketServer;
  readonly #sessions = new Map<WebSocket, Session>();

  constructor(private readonly options: WebSocketEndpointOptions) {
    this.#wss = new WebSocketServer({
      noServer: true,
      // Messages above the soft limit get an error and the connection lives on; only past this
      // hard cap is the connection closed (1009), since ws must buffer a message to skip it.
      maxPayload: options.hardMaxMessageBytes,
      // Compression costs CPU per message and invites decompression bombs; SDP is small.
      perMessageDeflate: false,
      handleProtocols: (offered) => (offered.has(WEBSOCKET_SUBPROTOCOL) ? WEBSOCKET_SUBPROTOCOL : false),
    });
    this.#wss.on("connection", (socket) => this.#accept(socket));
  }

  get connectionCount(): number {
    return this.#sessions.size;
  }

  /** Handles an HTTP upgrade request; answers 404 off the WebSocket paths. */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const path = new URL(request.url ?? "/", "http://localhost").pathname;
    if (!ACCEPTED_PATHS.has(path)) {
      socket.end("HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
      return;
    }
    this.#wss.handleUpgrade(request, socket, head, (ws) => this.#wss.emit("connection", ws, request));
  }

  /** Closes every connection with "going away" so that clients reconnect elsewhere. */
  close(): void {
    for (const socket of this.#sessions.keys()) socket.close(CLOSE_CODES.goingAway, "server shutting down");
    this.#wss.close();
  }

  #accept(socket: WebSocket): void {
    const session = new Session({ send: (frame) => socket.send(frame, { binary: false }) }, this.options.session);
    this.#sessions.set(socket, session);
    this.options.logger.debug({ session: session.id }, "connected");
    socket.on("message", (data, isBinary) => session.receive(data as Buffer, isBinary));
    socket.on("error", (error) => this.options.logger.debug({ session: session.id, err: error }, "socket error"));
    socket.on("close", (code) => {
      this.#sessions.delete(socket);
      session.end();
      this.options.logger.debug({ session: session.id, name: session.name, code }, "disconnected");
    });
  }
}
