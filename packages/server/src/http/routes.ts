import type { IncomingMessage, ServerResponse } from "node:http";
import type { UserIceServers } from "../ice/ice-servers.js";
import type { MetricsVerdict } from "./metrics-access.js";
import { requestPath } from "./request-target.js";
import { serveStatic } from "./static-files.js";

export interface RouteContext {
  staticDir: string;
  isReady(): boolean;
  /** Shutting down: its clients are told to reconnect (elsewhere, in a cluster). */
  isDraining(): boolean;
  /** The node cannot reach the rest of its cluster. */
  isDegraded(): boolean;
  stats(): { connections: number; users: number };
  /** Prometheus text. */
  metrics(): Promise<string>;
  /** Whether this request may read /metrics here. */
  metricsVerdict(request: IncomingMessage): MetricsVerdict;
  /** ICE servers for the session holding this resume token, if it is logged in. */
  iceServersFor(resumeToken: string): UserIceServers | undefined;
}

/**
 * Headers every response carries. The app's scripts and styles come only from its own files,
 * media only from the camera and peers, and the socket only goes back to this origin.
 */
const SAFE_HEADERS = {
  "content-security-policy": [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "media-src 'self' blob: mediastream:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; "),
  "permissions-policy": "camera=(self), microphone=(self), geolocation=(), payment=(), usb=()",
  "cross-origin-opener-policy": "same-origin",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "x-frame-options": "DENY",
};

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" });
  response.end(JSON.stringify(body));
}

/**
 * Every path is read-only: anything but GET and HEAD is refused before the path is even read.
 * Returns the request's path, or undefined once it has answered.
 */
function acceptedPath(request: IncomingMessage, response: ServerResponse): string | undefined {
  if (request.method !== "GET" && request.method !== "HEAD") {
    response.setHeader("allow", "GET, HEAD");
    return void sendJson(response, 405, { error: "method not allowed" });
  }
  const pathname = requestPath(request.url);
  if (pathname === undefined) return void sendJson(response, 400, { error: "bad request target" });
  return pathname;
}

async function serveMetrics(response: ServerResponse, context: Pick<RouteContext, "metrics">, verdict: MetricsVerdict): Promise<void> {
  if (verdict === 401) response.setHeader("www-authenticate", 'Bearer realm="metrics"');
  if (verdict !== 200) return sendJson(response, verdict, { error: verdict === 404 ? "not found" : "metrics are not public" });
  const text = await context.metrics();
  response.writeHead(200, { "content-type": "text/plain; version=0.0.4; charset=utf-8", "cache-control": "no-store" });
  response.end(text);
}

/** How the server is doing, as /healthz and /readyz tell it. */
function serving(context: Pick<RouteContext, "isReady" | "isDraining" | "isDegraded">): "starting" | "draining" | "degraded" | "ok" {
  if (!context.isReady()) return context.isDraining() ? "draining" : "starting";
  // Degraded: the node serves the users it holds, but cannot log anyone in.
  return context.isDegraded() ? "degraded" : "ok";
}

/** Plain HTTP: health checks, metrics, ICE servers and the web app. */
export function createRequestHandler(context: RouteContext) {
  return async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    for (const [name, value] of Object.entries(SAFE_HEADERS)) response.setHeader(name, value);
    const pathname = acceptedPath(request, response);
    if (pathname === undefined) return;

    if (pathname === "/healthz") {
      const status = serving(context);
      return sendJson(response, status === "ok" || status === "degraded" ? 200 : 503, { status, ...context.stats() });
    }
    if (pathname === "/readyz") {
      // Whether new connections belong here: accepting them, and able to log their users in.
      const status = serving(context);
      return sendJson(response, status === "ok" ? 200 : 503, { status: status === "ok" ? "ready" : status });
    }
    if (pathname === "/metrics") return serveMetrics(response, context, context.metricsVerdict(request));
    if (pathname === "/api/ice-servers") {
      // The session's resume token is its secret: it authenticates the request.
      const token = /^Bearer (\S+)$/.exec(request.headers.authorization ?? "")?.[1];
      const servers = token === undefined ? undefined : context.iceServersFor(token);
      if (!servers) return sendJson(response, 401, { error: "log in first; send Authorization: Bearer <resumeToken>" });
      return sendJson(response, 200, servers);
    }
    if (!(await serveStatic(context.staticDir, pathname, request.method === "HEAD", response))) {
      sendJson(response, 404, { error: "not found" });
    }
  };
}

/** The metrics listener (METRICS_PORT): /metrics and nothing else. */
export function createMetricsRequestHandler(context: Pick<RouteContext, "metrics" | "metricsVerdict">) {
  return async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const pathname = acceptedPath(request, response);
    if (pathname === undefined) return;
    if (pathname !== "/metrics") return sendJson(response, 404, { error: "not found" });
    await serveMetrics(response, context, context.metricsVerdict(request));
  };
}
