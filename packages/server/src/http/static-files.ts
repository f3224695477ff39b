import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import type { ServerResponse } from "node:http";
import { extname, join, normalize, sep } from "node:path";
import { pipeline } from "node:stream";

const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".webmanifest": "application/manifest+json",
  ".txt": "text/plain; charset=utf-8",
  ".map": "application/json; charset=utf-8",
};

const PLACEHOLDER = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Switchboard</title></head>
<body><h1>Switchboard</h1><p>The signaling server is running. The web app has not been built
(<code>npm run build</code>); WebSocket clients can connect to this address.</p></body></html>`;

/** The app's own routes: `/r/<room>` opens a room. The app reads the path; the server serves the app. */
const APP_ROUTE = /^\/r\//;

/**
 * Serves the built web app. Paths are resolved inside `root` only; `/` is index.html, and so is
 * any path of the app's routes (`/r/...`, whatever follows, never read from disk); when the app
 * is not built, those answer a placeholder page.
 */
export async function serveStatic(root: string, pathname: string, headOnly: boolean, response: ServerResponse): Promise<boolean> {
  if (APP_ROUTE.test(pathname)) pathname = "/";
  let relative: string;
  try {
    relative = decodeURIComponent(pathname);
  } catch {
    return false;
  }
  if (relative.includes("\0")) return false;
  if (relative.endsWith("/")) relative += "index.html";
  const file = normalize(join(root, relative));
  if (file !== root && !file.startsWith(root.endsWith(sep) ? root : root + sep)) return false;

  const info = await stat(file).catch(() => undefined);
  if (!info?.isFile()) {
    if (pathname !== "/") return false;
    response.writeHead(200, { "content-type": CONTENT_TYPES[".html"] });
    response.end(PLACEHOLDER);
    return true;
  }
  // Hashed assets never change; everything else is revalidated.
  const immutable = relative.startsWith("/assets/");
  response.writeHead(200, {
    "content-type": CONTENT_TYPES[extname(file)] ?? "application/octet-stream",
    "content-length": info.size,
    "cache-control": immutable ? "public, max-age=31536000, immutable" : "no-cache",
  });
  if (headOnly) {
    response.end();
    return true;
  }
  // pipeline, not pipe: a read error (the file went away since stat) ends the response instead
  // of being an unhandled 'error' event.
  pipeline(createReadStream(file), response, () => {});
  return true;
}
