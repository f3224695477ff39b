/**
 * Who may read GET /metrics. Counters tell an outsider how busy the server is and how its
 * limits fire: worth keeping to operators. On the main port, by default only this machine may
 * read them (a Prometheus agent on the host, or `curl localhost`); METRICS_TOKEN lets a remote
 * scraper in with a bearer token; METRICS_PORT moves them to a listener of their own.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { isIP } from "node:net";
import ipaddr from "ipaddr.js";
import type { ClientAddresses } from "./client-address.js";

/** 200: serve; 401: a token is needed; 403: not from here; 404: served elsewhere. */
export type MetricsVerdict = 200 | 401 | 403 | 404;

export interface MetricsAccessOptions {
  token?: string;
  /** /metrics has its own listener (METRICS_PORT). */
  separateListener: boolean;
  clientAddresses: ClientAddresses;
}

const FORWARDING_HEADERS = ["x-forwarded-for", "forwarded", "x-real-ip"];

/** The verdict for requests to the main port's /metrics, and to the metrics listener's. */
export function metricsAccess(options: MetricsAccessOptions): { main(request: IncomingMessage): MetricsVerdict; own(request: IncomingMessage): MetricsVerdict } {
  const expected = options.token === undefined ? undefined : digest(options.token);
  const bearer = (request: IncomingMessage): MetricsVerdict => {
    const given = /^Bearer (\S+)$/.exec(request.headers.authorization ?? "")?.[1];
    // Digests of equal length, compared in constant time: neither the token nor its length leaks.
    return given !== undefined && timingSafeEqual(digest(given), expected!) ? 200 : 401;
  };
  return {
    main(request) {
      if (options.separateListener) return 404;
      if (expected) return bearer(request);
      return isLocal(request, options.clientAddresses) ? 200 : 403;
    },
    own: (request) => (expected ? bearer(request) : 200),
  };
}

/**
 * From this machine, and not relayed: a local reverse proxy's requests come from loopback too,
 * but they carry a forwarding header (unless the proxy is trusted and the header resolved).
 */
function isLocal(request: IncomingMessage, clientAddresses: ClientAddresses): boolean {
  const peer = request.socket.remoteAddress ?? "";
  if (!clientAddresses.isTrustedPeer(peer) && FORWARDING_HEADERS.some((name) => request.headers[name] !== undefined)) return false;
  return isLoopback(clientAddresses.of(request));
}

export function isLoopback(address: string): boolean {
  if (!isIP(address)) return false;
  const ip = ipaddr.process(address);
  return ip.range() === "loopback";
}

function digest(value: string): Buffer {
  return createHash("sha256").update(value).digest();
}
