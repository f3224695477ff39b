// Point 4 of issue 13, a package to install: `npm run pack`'s tarball, installed into an empty
// folder far from this repository, runs the server with the web app as `npm start` does.
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { setTimeout } from "node:timers/promises";
import { basename, delimiter, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { cleanUpOnExit } from "./support/exit-cleanup.js";
import { TestClient } from "./support/test-client.js";
import { freePort } from "./support/free-port.js";

const root = fileURLToPath(new URL("../../..", import.meta.url));
const run = promisify(execFile);
// The node running the tests runs the package too (its bin starts with `#!/usr/bin/env node`).
const PATH = `${dirname(process.execPath)}${delimiter}${process.env.PATH}`;
// For the npm commands here: under `npm test`, npm_config_local_prefix makes the repository their project.
const npmEnv = Object.fromEntries(Object.entries({ ...process.env, PATH }).filter(([key]) => key !== "npm_config_local_prefix"));

let work: string;
let tarball: string;
let app: string;
/** The web app as the tarball ships it, installed. */
const packagedApp = (path: string) => readFileSync(join(app, "node_modules/@switchboard/server/web", path), "utf8");
let forget: () => void;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "switchboard-package-"));
  forget = cleanUpOnExit(() => rmSync(work, { recursive: true, force: true }));
  // The integration project's globalSetup has just built packages/server, and `npm test` the app.
  const packed = await run(process.execPath, [join(root, "scripts/pack.mjs"), "--no-build", work], { cwd: root, env: npmEnv });
  tarball = packed.stdout.trim();
  app = join(work, "app");
  mkdirSync(app);
  writeFileSync(join(app, "package.json"), `${JSON.stringify({ private: true })}\n`);
  const install = ["install", "--no-audit", "--no-fund", "--prefer-offline"];
  await run("npm", [...install, tarball], { cwd: app, env: npmEnv });
  // A global install puts the package's dependencies in its own node_modules, not above it.
  await run("npm", [...install, "--global", "--prefix", join(work, "global"), tarball], { cwd: work, env: npmEnv });
}, 120_000);

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
  forget();
});

interface Started {
  child: ChildProcess;
  output: () => string;
  /** Once stdout closed: every process that held it (the server's too) has exited. */
  gone: Promise<void>;
}

/** What kills each process a test started that is still running; run after every test. */
const running = new Set<() => void>();
afterEach(() => {
  for (const kill of running) kill();
});

function start(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv; detached?: boolean }): Started {
  const child = spawn(command, args, { ...options, stdio: ["ignore", "pipe", "pipe"] });
  // A detached child leads a process group of its own (npm's, with the server it starts): what
  // a terminal's Ctrl-C or systemd signals.
  const kill = () => {
    try {
      process.kill(options.detached ? -child.pid! : child.pid!, "SIGKILL");
    } catch {
      // Gone already.
    }
  };
  running.add(kill);
  const forget = cleanUpOnExit(kill);
  let output = "";
  child.once("error", (error) => (output += `${error.message}\n`));
  child.stdout!.on("data", (chunk) => (output += String(chunk)));
  child.stderr!.on("data", (chunk) => (output += String(chunk)));
  const gone = once(child.stdout!, "close").then(() => {
    running.delete(kill);
    forget();
  });
  return { child, output: () => output, gone };
}

/** Waits for /healthz to answer 200; fails at once if the process exits first. */
async function healthy(port: number, started: Started): Promise<void> {
  for (const deadline = Date.now() + 30_000; Date.now() < deadline; await setTimeout(100)) {
    if (started.child.exitCode !== null) break;
    const status = await fetch(`http://127.0.0.1:${port}/healthz`).then((response) => response.status, () => 0);
    if (status === 200) return;
  }
  throw new Error(`no 200 from /healthz (exit code ${started.child.exitCode}):\n${started.output()}`);
}

describe("the npm package", () => {
  it("holds the built server, the web app and @switchboard/protocol; the rest comes from the registry", async () => {
    const { stdout } = await run("tar", ["-tzf", tarball]);
    const files = stdout.split("\n").filter(Boolean);
    expect(files).toEqual(
      expect.arrayContaining([
        "package/package.json",
        "package/dist/cli.js",
        "package/dist/index.d.ts",
        "package/web/index.html",
        "package/node_modules/@switchboard/protocol/package.json",
        "package/node_modules/@switchboard/protocol/dist/index.js",
      ]),
    );
    expect(files.filter((file) => file.startsWith("package/web/assets/") && file.endsWith(".js"))).not.toEqual([]);
    expect(files.filter((file) => /\/src\/|\.test\.|tsbuildinfo/.test(file))).toEqual([]);
    expect(files.filter((file) => file.includes("/node_modules/") && !file.startsWith("package/node_modules/@switchboard/protocol/"))).toEqual([]);

    const manifest = JSON.parse((await run("tar", ["-xzOf", tarball, "package/package.json"])).stdout);
    const source = JSON.parse(readFileSync(join(root, "packages/server/package.json"), "utf8"));
    const protocol = JSON.parse(readFileSync(join(root, "packages/protocol/package.json"), "utf8"));
    expect(manifest.bin).toEqual({ switchboard: "./dist/cli.js" });
    expect(manifest.bundleDependencies).toEqual(["@switchboard/protocol"]);
    expect(manifest.scripts).toBeUndefined();
    // The server's dependencies, and the protocol's: npm installs none of a bundled package's own.
    expect(Object.keys(manifest.dependencies).sort()).toEqual(
      [...new Set([...Object.keys(source.dependencies), ...Object.keys(protocol.dependencies)])].sort(),
    );
    // Installed from the tarball, not looked up on the registry.
    const installed = join(app, "node_modules/@switchboard/server/node_modules/@switchboard/protocol/package.json");
    expect(JSON.parse(readFileSync(installed, "utf8")).version).toBe(protocol.version);
  });

  it.each([
    ["in a project", "app/node_modules/.bin/switchboard"],
    ["globally", "global/bin/switchboard"],
  ])("runs installed %s: PORT and HOST, the web app, logins, and a drain on SIGTERM", async (_where, bin) => {
    const port = await freePort();
    const server = start(join(work, bin), [], { cwd: work, env: { PATH, PORT: String(port), HOST: "127.0.0.1" } });
    await healthy(port, server);

    const page = await fetch(`http://127.0.0.1:${port}/`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toBe(packagedApp("index.html"));
    const script = /<script[^>]+src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const asset = await fetch(`http://127.0.0.1:${port}${script}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get("content-type")).toMatch(/javascript/);
    expect(await asset.text()).toBe(packagedApp(script!));

    const client = await TestClient.connect(`ws://127.0.0.1:${port}/`, "json");
    expect(client.socket.protocol).toBe("json");
    client.send({ type: "username", name: "x" });
    expect((await client.next("userlist")).users).toContain("x");

    server.child.kill("SIGTERM");
    expect((await client.closed).code).toBe(1012);
    const [code] = await once(server.child, "exit");
    expect(code).toBe(0);
    await server.gone;
  }, 60_000);

  it("runs with npx from the tarball, with --port", async () => {
    // npx installs the tarball into <npm cache>/_npx: a cache of its own, with the real one's
    // downloads linked in, so nothing of it outlives the test and no download is repeated.
    const cache = join(work, "npm-cache");
    const { stdout } = await run("npm", ["config", "get", "cache"], { cwd: work, env: npmEnv });
    const downloads = join(stdout.trim(), "_cacache");
    mkdirSync(downloads, { recursive: true });
    mkdirSync(cache);
    symlinkSync(downloads, join(cache, "_cacache"));

    const port = await freePort();
    const args = ["--yes", "--prefer-offline", `./${basename(tarball)}`, "--port", String(port), "--host", "127.0.0.1"];
    const npx = start("npx", args, { cwd: work, env: { ...npmEnv, npm_config_cache: cache }, detached: true });
    await healthy(port, npx);
    expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe(packagedApp("index.html"));

    // A SIGTERM to npm alone ends npm, not the server it started: signal the process group, as
    // Ctrl-C in a terminal does.
    process.kill(-npx.child.pid!, "SIGTERM");
    await npx.gone;
    expect(npx.output()).toContain('"msg":"shutting down"');
  }, 60_000);
});
