import type { IncomingMessage, ServerResponse } from "node:http";
import { serveStatic } from "./static-files.js";

export interface RouteContext {
  staticDir: string;
  isReady(): boolean;
  stats(): { connections: number; users: number };
}

/** Headers every response carries. */
const SAFE_HEADERS = {
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "x-frame-options": "DENY",
};

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" });
  response.end(JSON.stringify(body));
}

/** Plain HTTP: health checks and the web app. */
export function createRequestHandler(context: RouteContext) {
  return (request: IncomingMessage, response: ServerResponse): void => {
    for (const [name, value] of Object.entries(SAFE_HEADERS)) response.setHeader(name, value);
    const { pathname } = new URL(request.url ?? "/", "http://localhost");

    if (pathname === "/healthz") {
      const ready = context.isReady();
      return sendJson(response, ready ? 200 : 503, { status: ready ? "ok" : "starting", ...context.stats() });
    }
    if (request.method !== "GET" && request.method !== "HEAD") {
      response.setHeader("allow", "GET, HEAD");
      return sendJson(response, 405, { error: "method not allowed" });
    }
    serveStatic(context.staticDir, pathname, response)
      .then((served) => {
        if (!served) sendJson(response, 404, { error: "not found" });
      })
      .catch(() => {
        if (!response.headersSent) sendJson(response, 500, { error: "internal error" });
        else response.destroy();
      });
  };
}
