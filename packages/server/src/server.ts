import type { Server as HttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import { resolve } from "node:path";
import { PROTOCOL_VERSION } from "@switchboard/protocol";
import { resolveConfig, type Config, type ConfigInput } from "./config.js";
import { clientAddresses } from "./http/client-address.js";
import { guardRequests, guardUpgrades } from "./http/guard.js";
import { createHttpServer, listenOn } from "./http/http-server.js";
import { metricsAccess } from "./http/metrics-access.js";
import { createMetricsRequestHandler, createRequestHandler } from "./http/routes.js";
import { ConnectionLimits } from "./limits/connection-limits.js";
import { IceServerProvider } from "./ice/ice-servers.js";
import type { Bus, BusListener } from "./bus/bus.js";
import { createBus } from "./bus/create-bus.js";
import { Hub } from "./hub/hub.js";
import { createTokenVerifier } from "./auth/token-verifier.js";
import { HubReplica } from "./hub/hub-replica.js";
import { ClusterSessions } from "./session/cluster-sessions.js";
import { createLogger, type Logger } from "./logger.js";
import { Metrics } from "./metrics.js";
import { createMetricsRegistry } from "./telemetry/registry.js";
import { WebSocketEndpoint } from "./transport/websocket.js";
import { SfuCalls } from "./media/sfu-calls.js";
import { deliverSfuMessage, sfuGroupMedia } from "./media/sfu-wiring.js";

/** Hooks for tests and diagnostics; none is needed to run a server. */
export interface ServerObservers {
  /** Every WebSocket frame the server writes, as it goes out. */
  frameSent?(data: string | Uint8Array): void;
}

/** Parts a server can be given instead of building its own (tests run several nodes on one in-memory broker). */
export interface ServerParts {
  bus?: Bus;
  /** Where the logs go (default: JSON on stdout at LOG_LEVEL). */
  logger?: Logger;
}

export interface SwitchboardServer {
  readonly config: Config;
  readonly logger: Logger;
  /**
   * Starts listening; resolves with the address actually bound (port 0 picks one), and the
   * metrics listener's URL when METRICS_PORT is set.
   */
  listen(): Promise<AddressInfo & { url: string; metricsUrl?: string }>;
  /**
   * Drains: stops accepting, tells every client to reconnect (close code 1012) once what is
   * queued for it is sent, waits up to `drainTimeoutMs`, and stops listening.
   */
  close(): Promise<void>;
}

/** Features a modern client can rely on, announced in `welcome`. */
const FEATURES = ["presence-deltas", "acks", "user-status", "raw-chat-text", "resume", "history", "rooms", "group-calls", "moderation", "sign-in", "call-metrics"];

/**
 * The composition root: builds one server from its options. No globals, so a test can run
 * several in one process, each on its own port.
 */
export function createServer(input: ConfigInput = {}, observers: ServerObservers = {}, parts: ServerParts = {}): SwitchboardServer {
  const config = resolveConfig(input);
  const logger = parts.logger ?? createLogger(config);
  const metrics = new Metrics();
  const bus = parts.bus ?? createBus(config, logger);
  // JANUS_URL: group calls through Janus (all, or those past the mesh's size: SFU_CALLS).
  const sfu =
    config.janusUrl === undefined
      ? undefined
      : new SfuCalls({
          janusUrl: config.janusUrl,
          logger,
          maxParticipants: config.maxSfuParticipants,
          deliver: (room, name, message) => deliverSfuMessage(hub, room, name, message),
        });
  const groupMedia = sfu && sfuGroupMedia(sfu, config);
  const hub = new Hub({ ...config, groupMedia, moderatorRule: config.auth === "jwt" ? "token-role" : "first-member" }, bus, {
    lost: (peer, removed) => (removed ? websocket.closeRemoved(peer) : websocket.closeLost(peer)),
  });
  const replica = new HubReplica(hub, 2 * config.nodeTimeoutMs);
  const iceServers = new IceServerProvider(config);
  const limits = {
    maxMessageBytes: config.maxMessageBytes,
    messagesPerSecond: config.rateLimitPerSecond,
    messageBurst: config.rateLimitBurst,
    heartbeatIntervalMs: Math.floor(config.heartbeatTimeoutMs / 3),
    resumeGraceMs: config.resumeGraceMs,
    maxChatTextLength: config.maxChatTextLength,
    maxNestingDepth: config.maxNestingDepth,
    maxMeshParticipants: config.maxMeshParticipants,
    ...(sfu && { maxSfuParticipants: config.maxSfuParticipants }),
  };
  const features = sfu ? [...FEATURES, "sfu"] : FEATURES;
  const addresses = clientAddresses(config.trustProxy);
  const connectionLimits = new ConnectionLimits(config);
  const clusterSessions = new ClusterSessions(bus, hub, config.redisUrl !== undefined || parts.bus !== undefined, logger);
  const websocket: WebSocketEndpoint = new WebSocketEndpoint({
    config,
    logger,
    metrics,
    cluster: clusterSessions,
    observeSent: observers.frameSent,
    clientAddresses: addresses,
    connectionLimits,
    session: {
      hub,
      logger,
      metrics,
      config,
      iceServers,
      tokens: createTokenVerifier(config),
      sfu,
      welcome: (session) => ({
        type: "welcome",
        protocol: PROTOCOL_VERSION,
        id: session.id,
        features,
        limits,
        // A resumed session is logged in and gets its own credentials; before login, only
        // what anyone may know (no relay for strangers).
        iceServers: session.name ? iceServers.forUser(session.name).iceServers : iceServers.shared(),
        room: session.room,
        auth: config.auth,
        ...(config.jwtRenewUrl && { tokenUrl: config.jwtRenewUrl }),
        ...(session.identity && { identity: session.identity }),
      }),
    },
  });

  const listener: BusListener = {
    event: (event) => {
      replica.event(event);
      if (event.kind === "moved") clusterSessions.moved(event.previousSession);
    },
    relay: (delivery) => replica.relay(delivery),
    undelivered: (delivery) => replica.undelivered(delivery),
    handOver: (token, to) => websocket.handOver(token, to),
    localState: () => replica.localState(),
    reset: (snapshot, lost) => replica.reset(snapshot, lost),
    health: (up) => {
      if (!up) return logger.error({ node: bus.nodeId }, "cluster store unreachable: serving this node's users only");
      // A store that restarted empty lost where sessions are: they must stay resumable anywhere.
      websocket.rememberResumables();
      logger.info({ node: bus.nodeId }, "cluster store reachable again: this node's users restored");
    },
  };

  let ready = false;
  let draining = false;
  const gauges = () => ({
    connections: websocket.connectionCount,
    users: hub.userCount,
    detachedSessions: websocket.detachedSessionCount,
    rooms: hub.roomCount,
  });
  const health = () => ({
    node: bus.nodeId,
    store: bus.up ? "reachable" : "unreachable",
    storeOutages: bus.outages,
  });
  const registry = createMetricsRegistry(metrics, {
    connections: () => websocket.connectionCount,
    users: () => hub.userCount,
    detachedSessions: () => websocket.detachedSessionCount,
    rooms: () => hub.roomCount,
    groupCallParticipants: () => hub.groupCallParticipants,
    httpConnections: () => connectionLimits.httpConnections,
    unfinishedMessageBytes: () => websocket.unfinishedMessageBytes,
    clusterStoreUp: () => (bus.up ? 1 : 0),
    clusterStoreOutages: () => bus.outages,
  });
  const renderMetrics = () => registry.metrics();
  const metricsVerdicts = metricsAccess({
    token: config.metricsToken,
    separateListener: config.metricsPort !== undefined,
    clientAddresses: addresses,
  });
  const handler = createRequestHandler({
    staticDir: resolve(config.staticDir),
    isReady: () => ready,
    isDraining: () => draining,
    isDegraded: () => !bus.up,
    stats: () => ({ ...gauges(), cluster: health(), ...(sfu && { mediaServer: sfu.available ? "reachable" : "unreachable" }) }),
    metrics: renderMetrics,
    metricsVerdict: metricsVerdicts.main,
    iceServersFor: (resumeToken) => {
      const session = websocket.sessionByToken(resumeToken);
      return session && iceServers.forUser(session.name!);
    },
  });
  const http: HttpServer = createHttpServer({
    config,
    logger,
    metrics,
    handler: guardRequests(handler, logger, metrics),
    admit: (socket) => {
      const peer = socket.remoteAddress ?? "unknown";
      if (connectionLimits.admitConnection(peer, socket, addresses.isTrustedPeer(peer))) return true;
      metrics.httpConnectionsRefusedIp++;
      return false;
    },
  });
  http.on(
    "upgrade",
    guardUpgrades((request, socket, head) => websocket.handleUpgrade(request, socket, head), logger, metrics),
  );
  // METRICS_PORT: /metrics on a listener of its own, plain HTTP, for a network Prometheus reaches.
  const metricsHttp: HttpServer | undefined =
    config.metricsPort === undefined
      ? undefined
      : createHttpServer({
          config: { ...config, tlsCert: undefined, tlsKey: undefined },
          logger,
          metrics,
          handler: guardRequests(createMetricsRequestHandler({ metrics: renderMetrics, metricsVerdict: metricsVerdicts.own }), logger, metrics),
        });
  const scheme = config.tlsCert ? "https" : "http";
  const urlOf = (address: AddressInfo, urlScheme: string) => {
    const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
    return `${urlScheme}://${host === "0.0.0.0" || host === "[::]" ? "localhost" : host}:${address.port}`;
  };

  return {
    config,
    logger,
    listen: async () => {
      // The node routes from its replica of the cluster: it listens once it has one.
      await bus.start(listener);
      sfu?.start();
      const address = await listenOn(http, config.port, config.host);
      const metricsAddress = metricsHttp && (await listenOn(metricsHttp, config.metricsPort!, config.metricsHost));
      ready = true;
      const url = urlOf(address, scheme);
      const metricsUrl = metricsAddress && `${urlOf(metricsAddress, "http")}/metrics`;
      logger.info({ url, port: address.port, metricsUrl, node: bus.nodeId, cluster: config.redisUrl !== undefined }, "switchboard listening");
      return { ...address, url, metricsUrl };
    },
    close: async () => {
      ready = false;
      draining = true;
      const stopped = Promise.all(
        [http, metricsHttp].map((server) => server?.listening && new Promise<void>((resolveClose) => server.close(() => resolveClose()))),
      );
      await websocket.drain(config.drainTimeoutMs);
      hub.close();
      replica.close();
      await sfu?.close();
      await bus.close();
      http.closeAllConnections();
      metricsHttp?.closeAllConnections();
      await stopped;
    },
  };
}
