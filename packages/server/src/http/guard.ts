import { STATUS_CODES, type IncomingMessage, type ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import type { Logger } from "../logger.js";
import type { Metrics } from "../metrics.js";

type RequestHandler = (request: IncomingMessage, response: ServerResponse) => void | Promise<void>;
type UpgradeHandler = (request: IncomingMessage, socket: Duplex, head: Buffer) => void;

/** A bare HTTP response for a socket that has no ServerResponse (upgrades, parse errors). */
export function rawResponse(status: number, headers: Record<string, string> = {}): string {
  const lines = Object.entries({ connection: "close", "content-length": "0", ...headers }).map(([name, value]) => `${name}: ${value}`);
  return `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? "Error"}\r\n${lines.join("\r\n")}\r\n\r\n`;
}

/**
 * Answers on a raw socket and closes it once the answer is written. `end` alone would leave it
 * half open (the HTTP server allows that) for as long as the peer keeps its side open.
 */
export function refuseSocket(socket: Duplex, status: number, headers?: Record<string, string>): void {
  if (!socket.writable) return void socket.destroy();
  socket.once("finish", () => socket.destroy());
  socket.end(rawResponse(status, headers));
}

/**
 * A throw or a rejection in `handler` is logged and answered with 500 (or, with the response
 * already under way, ends the connection): one request's bug never reaches the process.
 */
export function guardRequests(handler: RequestHandler, logger: Logger, metrics: Metrics): RequestHandler {
  const fail = (error: unknown, request: IncomingMessage, response: ServerResponse) => {
    metrics.httpHandlerFailures++;
    logger.error({ err: error, method: request.method, url: request.url }, "request handler failed");
    if (response.headersSent) return void response.destroy();
    response.writeHead(500, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" });
    response.end(JSON.stringify({ error: "internal error" }));
  };
  return (request, response) => {
    try {
      const done = handler(request, response);
      if (done) done.catch((error: unknown) => fail(error, request, response));
    } catch (error) {
      fail(error, request, response);
    }
  };
}

/** The same for upgrades; also keeps a socket's late 'error' (a reset) from going unheard. */
export function guardUpgrades(handler: UpgradeHandler, logger: Logger, metrics: Metrics): UpgradeHandler {
  // One listener for every socket (memory per connection counts).
  const onError = (error: Error) => logger.debug({ err: error }, "upgrade socket error");
  return (request, socket, head) => {
    // Node removes its own error listener before handing the socket over.
    socket.on("error", onError);
    try {
      handler(request, socket, head);
    } catch (error) {
      metrics.httpHandlerFailures++;
      logger.error({ err: error, url: request.url }, "upgrade handler failed");
      refuseSocket(socket, 500);
    }
  };
}
