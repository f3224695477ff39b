import { readFileSync } from "node:fs";
import { createServer as createHttpServer, type Server as HttpServer } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { resolve } from "node:path";
import { PROTOCOL_VERSION } from "@switchboard/protocol";
import { resolveConfig, type Config, type ConfigInput } from "./config.js";
import { createRequestHandler } from "./http/routes.js";
import { IceServerProvider } from "./ice/ice-servers.js";
import { Hub } from "./hub/hub.js";
import { createLogger, type Logger } from "./logger.js";
import { Metrics } from "./metrics.js";
import { WebSocketEndpoint } from "./transport/websocket.js";

export interface SwitchboardServer {
  readonly config: Config;
  readonly logger: Logger;
  /** Starts listening; resolves with the address actually bound (port 0 picks one). */
  listen(): Promise<AddressInfo & { url: string }>;
  /**
   * Drains: stops accepting, tells every client to reconnect (close code 1012) once what is
   * queued for it is sent, waits up to `drainTimeoutMs`, and stops listening.
   */
  close(): Promise<void>;
}

/** Features a modern client can rely on, announced in `welcome`. */
const FEATURES = ["presence-deltas", "acks", "user-status", "raw-chat-text", "resume", "history"];

/**
 * The composition root: builds one server from its options. No globals, so a test can run
 * several in one process, each on its own port.
 */
export function createServer(input: ConfigInput = {}): SwitchboardServer {
  const config = resolveConfig(input);
  const logger = createLogger(config);
  const metrics = new Metrics();
  const hub = new Hub(config);
  const iceServers = new IceServerProvider(config);
  const limits = {
    maxMessageBytes: config.maxMessageBytes,
    messagesPerSecond: config.rateLimitPerSecond,
    messageBurst: config.rateLimitBurst,
    heartbeatIntervalMs: Math.floor(config.heartbeatTimeoutMs / 3),
    resumeGraceMs: config.resumeGraceMs,
    maxChatTextLength: config.maxChatTextLength,
    maxNestingDepth: config.maxNestingDepth,
  };
  const websocket = new WebSocketEndpoint({
    config,
    logger,
    metrics,
    session: {
      hub,
      logger,
      metrics,
      config,
      iceServers,
      welcome: (session) => ({
        type: "welcome",
        protocol: PROTOCOL_VERSION,
        id: session.id,
        features: FEATURES,
        limits,
        // A resumed session is logged in and gets its own credentials; before login, only
        // what anyone may know (no relay for strangers).
        iceServers: session.name ? iceServers.forUser(session.name).iceServers : iceServers.shared(),
      }),
    },
  });

  let ready = false;
  const gauges = () => ({
    connections: websocket.connectionCount,
    users: hub.userCount,
    detachedSessions: websocket.detachedSessionCount,
  });
  const handler = createRequestHandler({
    staticDir: resolve(config.staticDir),
    isReady: () => ready,
    stats: gauges,
    metrics: () => metrics.render(gauges()),
    iceServersFor: (resumeToken) => {
      const session = websocket.sessionByToken(resumeToken);
      return session && iceServers.forUser(session.name!);
    },
  });
  const http: HttpServer =
    config.tlsCert && config.tlsKey
      ? createHttpsServer({ cert: readFileSync(config.tlsCert), key: readFileSync(config.tlsKey) }, handler)
      : createHttpServer(handler);
  http.on("upgrade", (request, socket, head) => websocket.handleUpgrade(request, socket, head));
  const scheme = config.tlsCert ? "https" : "http";

  return {
    config,
    logger,
    listen: () =>
      new Promise((resolveListen, reject) => {
        http.once("error", reject);
        http.listen(config.port, config.host, () => {
          http.off("error", reject);
          ready = true;
          const address = http.address() as AddressInfo;
          const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
          const url = `${scheme}://${host === "0.0.0.0" || host === "[::]" ? "localhost" : host}:${address.port}`;
          logger.info({ url, port: address.port }, "switchboard listening");
          resolveListen({ ...address, url });
        });
      }),
    close: async () => {
      ready = false;
      const stopped = new Promise<void>((resolveClose) => http.close(() => resolveClose()));
      await websocket.drain(config.drainTimeoutMs);
      hub.close();
      http.closeAllConnections();
      await stopped;
    },
  };
}
