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

/** Newest modification time below `dir` (0 when it does not exist). */
function newest(dir) {
  if (!existsSync(dir)) return 0;
  let latest = statSync(dir).mtimeMs;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
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
