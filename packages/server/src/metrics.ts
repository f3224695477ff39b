/**
 * Counters and gauges in Prometheus' text format, for GET /metrics. A handful of plain numbers:
 * incrementing one on the message path is an add, not a map lookup.
 */
export class Metrics {
  messagesReceived = 0;
  rateLimited = 0;
  framesTooLarge = 0;
  connectionsRefusedOrigin = 0;
  connectionsRefusedIp = 0;
  loginsRefused = 0;
  slowConsumersCut = 0;
  rateLimitAbusersCut = 0;
  heartbeatTimeouts = 0;
  sessionsResumed = 0;
  sessionsExpired = 0;
  connectionsDropped = 0;
  httpConnectionsRefusedIp = 0;
  httpHandlerFailures = 0;
  unfinishedMessagesCut = 0;
  readonly errors = new Map<string, number>();
  readonly httpClientErrors = new Map<number, number>();

  countError(code: string): void {
    this.errors.set(code, (this.errors.get(code) ?? 0) + 1);
  }

  /** A request refused before any handler saw it (unparsable, too large, too slow). */
  countHttpClientError(status: number): void {
    this.httpClientErrors.set(status, (this.httpClientErrors.get(status) ?? 0) + 1);
  }

  render(gauges: {
    connections: number;
    users: number;
    detachedSessions: number;
    rooms?: number;
    groupCallParticipants?: number;
    httpConnections?: number;
    unfinishedMessageBytes?: number;
    clusterStoreUp?: number;
    clusterStoreOutages?: number;
  }): string {
    const lines: string[] = [];
    const metric = (name: string, type: "counter" | "gauge", help: string, value: number) => {
      lines.push(`# HELP switchboard_${name} ${help}`, `# TYPE switchboard_${name} ${type}`, `switchboard_${name} ${value}`);
    };
    metric("connections", "gauge", "Open WebSocket connections.", gauges.connections);
    metric("users", "gauge", "Logged-in users.", gauges.users);
    metric("detached_sessions", "gauge", "Sessions waiting to be resumed.", gauges.detachedSessions);
    metric("rooms", "gauge", "Rooms with at least one user (the lobby included).", gauges.rooms ?? 0);
    metric("group_call_participants", "gauge", "Users in a group call, all rooms together.", gauges.groupCallParticipants ?? 0);
    metric("messages_received_total", "counter", "Messages received from clients.", this.messagesReceived);
    metric("rate_limited_total", "counter", "Messages dropped by the per-connection rate limit.", this.rateLimited);
    metric("frames_too_large_total", "counter", "Messages over the size limit.", this.framesTooLarge);
    metric("connections_refused_origin_total", "counter", "Upgrades refused for their Origin.", this.connectionsRefusedOrigin);
    metric("connections_refused_ip_total", "counter", "Upgrades refused by the per-IP connection limit.", this.connectionsRefusedIp);
    metric("logins_refused_total", "counter", "Logins refused by the per-IP login rate.", this.loginsRefused);
    metric("slow_consumers_cut_total", "counter", "Connections cut for not reading.", this.slowConsumersCut);
    metric("rate_limit_abusers_cut_total", "counter", "Connections cut for sustained flooding.", this.rateLimitAbusersCut);
    metric("heartbeat_timeouts_total", "counter", "Connections found dead by the heartbeat.", this.heartbeatTimeouts);
    metric("sessions_resumed_total", "counter", "Sessions resumed after a dropped connection.", this.sessionsResumed);
    metric("sessions_expired_total", "counter", "Dropped sessions not resumed in time.", this.sessionsExpired);
    metric("http_connections", "gauge", "Open TCP connections not upgraded to WebSocket.", gauges.httpConnections ?? 0);
    metric("unfinished_message_bytes", "gauge", "Bytes buffered for WebSocket messages still arriving.", gauges.unfinishedMessageBytes ?? 0);
    metric("connections_dropped_total", "counter", "TCP connections dropped at MAX_CONNECTIONS.", this.connectionsDropped);
    metric("http_connections_refused_ip_total", "counter", "TCP connections refused by MAX_HTTP_CONNECTIONS_PER_IP.", this.httpConnectionsRefusedIp);
    metric("http_handler_failures_total", "counter", "Requests answered 500 because a handler failed.", this.httpHandlerFailures);
    metric("unfinished_messages_cut_total", "counter", "Connections closed (1013) by MAX_UNFINISHED_MESSAGE_BYTES.", this.unfinishedMessagesCut);
    metric("cluster_store_up", "gauge", "1 while the cluster's store (Redis; in memory for one node) is reachable.", gauges.clusterStoreUp ?? 1);
    metric("cluster_store_outages_total", "counter", "Times this node lost the cluster's store.", gauges.clusterStoreOutages ?? 0);
    const labelled = (name: string, help: string, label: string, counts: ReadonlyMap<string | number, number>) => {
      lines.push(`# HELP switchboard_${name} ${help}`, `# TYPE switchboard_${name} counter`);
      for (const [value, count] of counts) lines.push(`switchboard_${name}{${label}="${value}"} ${count}`);
    };
    labelled("http_client_errors_total", "Requests refused unparsed, by status.", "status", this.httpClientErrors);
    labelled("errors_total", "Error messages sent, by code.", "code", this.errors);
    return `${lines.join("\n")}\n`;
  }
}
