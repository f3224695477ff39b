#!/usr/bin/env node
// `npm start`: installs and builds whatever is missing or stale, then runs the server.
// Arguments are passed on to the server (`npm start -- --port 9000`).
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const npm = process.platform === "win32" ? "npm.cmd" : "npm";

function run(command, args) {
  const result = spawnSync(command, args, { cwd: root, stdio: ["ignore", "inherit", "inherit"] });
  if (result.status !== 0) {
    console.error(`switchboard: "${command} ${args.join(" ")}" failed`);
    process.exit(result.status ?? 1);
  }
}

/** Newest modification time of `path` or anything below it (0 when it does not exist). */
function newest(path) {
  if (!existsSync(path)) return 0;
  const info = statSync(path);
  if (!info.isDirectory()) return info.mtimeMs;
  return Math.max(info.mtimeMs, ...readdirSync(path).map((name) => newest(join(path, name))));
}

if (!existsSync(join(root, "node_modules", ".package-lock.json"))) run(npm, ["ci", "--no-audit", "--no-fund"]);
// Incremental: a no-op when nothing changed.
run(npm, ["exec", "--", "tsc", "-b", "packages/protocol", "packages/server", "packages/client"]);
const webSources = ["apps/web/src", "apps/web/index.html", "packages/client/src", "packages/protocol/src"].map((p) => newest(join(root, p)));
const webBuilt = join(root, "apps/web/dist/index.html");
if (existsSync(join(root, "apps/web/vite.config.ts")) && (!existsSync(webBuilt) || statSync(webBuilt).mtimeMs < Math.max(...webSources))) {
  run(npm, ["run", "build", "-w", "apps/web"]);
}

// The server runs in this process, so signals (Ctrl-C, SIGTERM) reach it directly.
await import(pathToFileURL(join(root, "packages/server/dist/cli.js")).href);
