/**
 * The HTTP(S) listeners, with every bound on what a client can hold: header, request, keep-alive
 * and idle timeouts, a global connection cap enforced before anything is read, and an admission
 * check per TCP connection (the per-address cap). Parse errors get a status, never a crash.
 */
import { readFileSync } from "node:fs";
import { createServer as createPlainServer, type RequestListener, type Server } from "node:http";
import { createServer as createTlsServer } from "node:https";
import type { AddressInfo, Socket } from "node:net";
import type { Duplex } from "node:stream";
import type { Config } from "../config.js";
import type { Logger } from "../logger.js";
import type { Metrics } from "../metrics.js";
import { refuseSocket } from "./guard.js";

/** Node's default, fixed here so that the 431 threshold does not move with `--max-http-header-size`. */
export const MAX_HEADER_BYTES = 16 * 1024;

export interface HttpServerOptions {
  config: Pick<
    Config,
    | "tlsCert"
    | "tlsKey"
    | "maxConnections"
    | "httpHeadersTimeoutMs"
    | "httpRequestTimeoutMs"
    | "httpKeepAliveTimeoutMs"
    | "httpIdleTimeoutMs"
  >;
  logger: Logger;
  metrics: Metrics;
  handler: RequestListener;
  /** Each new TCP connection; false drops it at once (counted by the caller). */
  admit?(socket: Socket): boolean;
}

export function createHttpServer({ config, logger, metrics, handler, admit }: HttpServerOptions): Server {
  const timeouts = {
    headersTimeout: config.httpHeadersTimeoutMs,
    requestTimeout: config.httpRequestTimeoutMs,
    keepAliveTimeout: config.httpKeepAliveTimeoutMs,
    // How often Node looks for connections past those timeouts (its default is every 30 s).
    connectionsCheckingInterval: Math.max(100, Math.min(1000, config.httpHeadersTimeoutMs / 4)),
    maxHeaderSize: MAX_HEADER_BYTES,
  };
  const server: Server =
    config.tlsCert && config.tlsKey
      ? createTlsServer(
          { ...timeouts, cert: readFileSync(config.tlsCert), key: readFileSync(config.tlsKey), handshakeTimeout: config.httpHeadersTimeoutMs },
          handler,
        )
      : createPlainServer(timeouts, handler);
  // Past the cap Node closes new connections before reading a byte: the cheapest refusal.
  if (config.maxConnections > 0) server.maxConnections = config.maxConnections;
  server.on("drop", () => metrics.connectionsDropped++);
  // Without a 'timeout' listener Node destroys a socket idle this long; upgraded sockets opt out.
  server.setTimeout(config.httpIdleTimeoutMs);
  if (admit) {
    server.on("connection", (socket: Socket) => {
      if (!admit(socket)) socket.destroy();
    });
  }
  server.on("clientError", (error: NodeJS.ErrnoException, socket: Duplex) => answerClientError(error, socket, metrics));
  // CONNECT (authority-form) is not for us; without a listener Node would drop it unanswered.
  server.on("connect", (_request, socket: Duplex) => {
    socket.on("error", () => socket.destroy());
    refuseSocket(socket, 405, { allow: "GET, HEAD" });
  });
  // After listening, an accept failure (out of descriptors) must not be an uncaught 'error'.
  server.on("error", (error) => {
    if (server.listening) logger.error({ err: error }, "http server error");
  });
  return server;
}

const CLIENT_ERROR_STATUS: Record<string, number> = {
  HPE_HEADER_OVERFLOW: 431,
  HPE_CHUNK_EXTENSIONS_OVERFLOW: 413,
  ERR_HTTP_REQUEST_TIMEOUT: 408,
};

/** A request Node could not parse, or that timed out: a status if we still can, then close. */
function answerClientError(error: NodeJS.ErrnoException, socket: Duplex, metrics: Metrics): void {
  const status = CLIENT_ERROR_STATUS[error.code ?? ""] ?? 400;
  // As Node's own handler does: no status in the middle of a response already being written.
  const inResponse = (socket as Duplex & { _httpMessage?: { headersSent: boolean } })._httpMessage?.headersSent;
  if (error.code === "ECONNRESET" || inResponse) return void socket.destroy();
  metrics.countHttpClientError(status);
  refuseSocket(socket, status);
}

/** Listens on `port` of `host`; resolves with the address bound (port 0 picks one). */
export function listenOn(server: Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve(server.address() as AddressInfo);
    });
  });
}
