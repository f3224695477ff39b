import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The checkout: the nearest folder up from here with apps/web in it (this file also runs compiled into bench/dist). */
function findRepo(): string {
  for (let dir = fileURLToPath(new URL(".", import.meta.url)); ; dir = dirname(dir)) {
    if (existsSync(join(dir, "apps/web/index.html"))) return dir;
    if (dirname(dir) === dir) throw new Error(`no apps/web above ${fileURLToPath(import.meta.url)}`);
  }
}

const repo = findRepo();
export const webRoot = join(repo, "apps/web");
export const distDir = join(webRoot, "dist");

/** Everything the bundle is built from. */
const INPUTS = [
  join(webRoot, "index.html"),
  join(webRoot, "vite.config.ts"),
  join(webRoot, "src"),
  join(webRoot, "public"),
  join(repo, "packages/client/src"),
  join(repo, "packages/protocol/src"),
];

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const info = statSync(path);
  if (!info.isDirectory()) return info.mtimeMs;
  let newest = info.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

let built: Promise<string> | undefined;

/**
 * Builds apps/web with Vite's JS API when dist is missing or older than its sources; returns the
 * absolute dist path. Once per process.
 */
export function ensureAppBuilt(): Promise<string> {
  built ??= (async () => {
    const index = join(distDir, "index.html");
    const stale = !existsSync(index) || Math.max(...INPUTS.map(newestMtime)) > statSync(index).mtimeMs;
    if (stale || process.env.E2E_REBUILD === "1") {
      const { build } = await import("vite");
      await build({ root: webRoot, configFile: join(webRoot, "vite.config.ts"), logLevel: "warn" });
    }
    return distDir;
  })();
  return built;
}
