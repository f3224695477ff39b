// Server nodes of a cluster for the browser tests: the built CLI as real processes, one per node.
// packages/server/test/support/cluster-nodes.ts does the same for the integration project, but
// finds the build through that project's globalSetup (vitest `inject`), which the e2e project
// does not have; the Redis and proxy helpers beside it are reused as they are.
import { execFile, spawn } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { cleanUpOnExit } from "../../packages/server/test/support/exit-cleanup.js";
import { startRoundRobinProxy, type RoundRobinProxy } from "../../packages/server/test/support/round-robin-proxy.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const cli = fileURLToPath(new URL("../../packages/server/dist/cli.js", import.meta.url));
const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
const LISTEN_TIMEOUT_MS = 10_000;

let built: Promise<string> | undefined;

/** Builds packages/server (incremental: quick when nothing changed) once per process; the CLI's path. */
export function ensureServerBuilt(): Promise<string> {
  built ??= promisify(execFile)(process.execPath, [tsc, "-b", "packages/protocol", "packages/server"], { cwd: root }).then(
    () => cli,
    (error: { stdout?: string; stderr?: string; message: string }) => {
      const output = `${error.stdout ?? ""}${error.stderr ?? ""}` || error.message;
      throw new Error(`packages/server did not build, so its CLI cannot be run:\n${output}`);
    },
  );
  return built;
}

export interface NodeProcess {
  readonly id: string;
  readonly port: number;
  /** http://127.0.0.1:<port> */
  readonly url: string;
  /** SIGKILL, a crash: resolves once the process has exited. Safe to call twice. */
  kill(): Promise<void>;
  /** Everything the node wrote to stdout and stderr, in order. */
  logs(): string;
  /** Its /healthz: `connections` is the WebSockets this node holds. */
  health(): Promise<{ status: string; connections: number; users: number }>;
}

/**
 * Starts node `id` (NODE_ID) with PORT=0, HOST=127.0.0.1, LOG_LEVEL=info and `env` on top, and
 * resolves once it logs where it listens. Only PATH is inherited, so a REDIS_URL in the shell
 * never reaches a node.
 */
export async function startNodeProcess(id: string, env: Record<string, string>): Promise<NodeProcess> {
  const child = spawn(process.execPath, [await ensureServerBuilt()], {
    env: { PATH: process.env.PATH, PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "info", NODE_ID: id, ...env },
    cwd: root,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const unregister = cleanUpOnExit(() => child.kill("SIGKILL"));
  let output = "";
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  void exited.then(unregister);
  child.stderr!.on("data", (chunk) => (output += String(chunk)));

  const port = await new Promise<number>((resolve, reject) => {
    let partial = "";
    let listening = false;
    const fail = (reason: string) => {
      if (listening) return;
      clearTimeout(timer);
      child.kill("SIGKILL");
      reject(new Error(`node ${id} ${reason}:\n${output}`));
    };
    const timer = setTimeout(() => fail(`logged no "switchboard listening" within ${LISTEN_TIMEOUT_MS} ms`), LISTEN_TIMEOUT_MS);
    child.once("error", (error) => fail(`could not be run: ${error.message}`));
    void exited.then(() => fail(`exited (${child.exitCode ?? child.signalCode}) before listening`));
    child.stdout!.on("data", (chunk) => {
      output += String(chunk);
      if (listening) return;
      const lines = (partial + String(chunk)).split("\n");
      partial = lines.pop()!;
      const line = lines.find((candidate) => candidate.includes("switchboard listening"));
      if (line === undefined) return;
      listening = true;
      clearTimeout(timer);
      resolve((JSON.parse(line) as { port: number }).port);
    });
  });

  const url = `http://127.0.0.1:${port}`;
  return {
    id,
    port,
    url,
    async kill() {
      child.kill("SIGKILL");
      await exited;
    },
    logs: () => output,
    health: async () => (await fetch(`${url}/healthz`)).json() as Promise<{ status: string; connections: number; users: number }>,
  };
}

/** One user's way in: a TCP forwarder to one node at a time, switchable, as a load balancer re-routes. */
export interface Entrance {
  /** http://127.0.0.1:<port>: open the user's page from here, and its WebSocket comes through too. */
  readonly url: string;
  /** Connections from now on go to `node`; open ones stay where they are. */
  routeTo(node: NodeProcess): void;
  close(): Promise<void>;
}

export async function startEntrance(node: NodeProcess): Promise<Entrance> {
  let target = node;
  const proxy: RoundRobinProxy = await startRoundRobinProxy(() => [target.port]);
  return {
    url: proxy.url,
    routeTo: (next) => void (target = next),
    close: () => proxy.close(),
  };
}
