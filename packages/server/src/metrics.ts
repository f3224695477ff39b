import type { Histogram } from "prom-client";
import { CallSetupReports } from "./telemetry/call-setup.js";
import { LoginDuration } from "./telemetry/login-duration.js";
import { RelayLatency } from "./telemetry/relay-latency.js";

/**
 * What one server counts and times, for GET /metrics (see telemetry/registry.ts). The counters
 * are plain numbers: incrementing one on the message path is an add, not a call or a map lookup.
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
  readonly loginDuration = new LoginDuration();
  readonly relayLatency = new RelayLatency();
  readonly callSetup = new CallSetupReports();

  countError(code: string): void {
    this.errors.set(code, (this.errors.get(code) ?? 0) + 1);
  }

  /** A request refused before any handler saw it (unparsable, too large, too slow). */
  countHttpClientError(status: number): void {
    this.httpClientErrors.set(status, (this.httpClientErrors.get(status) ?? 0) + 1);
  }

  histograms(): Histogram[] {
    return [this.loginDuration.histogram, this.relayLatency.histogram, this.callSetup.histogram];
  }
}
