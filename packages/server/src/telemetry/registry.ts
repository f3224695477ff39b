import { collectDefaultMetrics, Counter, Gauge, Registry } from "prom-client";
import type { Metrics } from "../metrics.js";

/** What the gauges read at scrape time. */
export interface GaugeReadings {
  connections(): number;
  users(): number;
  detachedSessions(): number;
  rooms(): number;
  groupCallParticipants(): number;
  httpConnections(): number;
  unfinishedMessageBytes(): number;
  clusterStoreUp(): number;
  clusterStoreOutages(): number;
}

/**
 * One server's Prometheus registry (never prom-client's global one: a process may run several
 * servers). The counters live in `metrics` as plain numbers, which the message path adds to
 * without a call; each takes its value when scraped, as each gauge does. Then the histograms,
 * and the process's own metrics under prom-client's standard names (`process_*`, `nodejs_*`).
 */
export function createMetricsRegistry(metrics: Metrics, gauges: GaugeReadings): Registry {
  const registry = new Registry();
  const registers = [registry];
  const gauge = (name: string, help: string, read: () => number) =>
    new Gauge({
      name: `switchboard_${name}`,
      help,
      registers,
      collect() {
        this.set(read());
      },
    });
  const counter = (name: string, help: string, read: () => number) =>
    new Counter({
      name: `switchboard_${name}`,
      help,
      registers,
      collect() {
        this.reset();
        this.inc(read());
      },
    });
  const labelled = (name: string, help: string, label: string, counts: ReadonlyMap<string | number, number>) =>
    new Counter({
      name: `switchboard_${name}`,
      help,
      labelNames: [label],
      registers,
      collect() {
        this.reset();
        for (const [value, count] of counts) this.inc({ [label]: value }, count);
      },
    });

  gauge("connections", "Open WebSocket connections.", gauges.connections);
  gauge("users", "Logged-in users.", gauges.users);
  gauge("detached_sessions", "Sessions waiting to be resumed.", gauges.detachedSessions);
  gauge("rooms", "Rooms with at least one user (the lobby included).", gauges.rooms);
  gauge("group_call_participants", "Users in a group call, all rooms together.", gauges.groupCallParticipants);
  counter("messages_received_total", "Messages received from clients.", () => metrics.messagesReceived);
  counter("rate_limited_total", "Messages dropped by the per-connection rate limit.", () => metrics.rateLimited);
  counter("frames_too_large_total", "Messages over the size limit.", () => metrics.framesTooLarge);
  counter("connections_refused_origin_total", "Upgrades refused for their Origin.", () => metrics.connectionsRefusedOrigin);
  counter("connections_refused_ip_total", "Upgrades refused by the per-IP connection limit.", () => metrics.connectionsRefusedIp);
  counter("logins_refused_total", "Logins refused by the per-IP login rate.", () => metrics.loginsRefused);
  counter("slow_consumers_cut_total", "Connections cut for not reading.", () => metrics.slowConsumersCut);
  counter("rate_limit_abusers_cut_total", "Connections cut for sustained flooding.", () => metrics.rateLimitAbusersCut);
  counter("heartbeat_timeouts_total", "Connections found dead by the heartbeat.", () => metrics.heartbeatTimeouts);
  counter("sessions_resumed_total", "Sessions resumed after a dropped connection.", () => metrics.sessionsResumed);
  counter("sessions_expired_total", "Dropped sessions not resumed in time.", () => metrics.sessionsExpired);
  gauge("http_connections", "Open TCP connections not upgraded to WebSocket.", gauges.httpConnections);
  gauge("unfinished_message_bytes", "Bytes buffered for WebSocket messages still arriving.", gauges.unfinishedMessageBytes);
  counter("connections_dropped_total", "TCP connections dropped at MAX_CONNECTIONS.", () => metrics.connectionsDropped);
  counter("http_connections_refused_ip_total", "TCP connections refused by MAX_HTTP_CONNECTIONS_PER_IP.", () => metrics.httpConnectionsRefusedIp);
  counter("http_handler_failures_total", "Requests answered 500 because a handler failed.", () => metrics.httpHandlerFailures);
  counter("unfinished_messages_cut_total", "Connections closed (1013) by MAX_UNFINISHED_MESSAGE_BYTES.", () => metrics.unfinishedMessagesCut);
  gauge("cluster_store_up", "1 while the cluster's store (Redis; in memory for one node) is reachable.", gauges.clusterStoreUp);
  counter("cluster_store_outages_total", "Times this node lost the cluster's store.", gauges.clusterStoreOutages);
  labelled("http_client_errors_total", "Requests refused unparsed, by status.", "status", metrics.httpClientErrors);
  labelled("errors_total", "Error messages sent, by code.", "code", metrics.errors);

  for (const histogram of metrics.histograms()) registry.registerMetric(histogram);
  collectDefaultMetrics({ register: registry });
  return registry;
}
