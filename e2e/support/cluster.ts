// Server nodes of a cluster for the browser tests: cluster-nodes.ts's nodes, with the CLI built
// here (the integration project's globalSetup, which builds it there, does not run for e2e).
import { execFile } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { startCliNode } from "../../packages/server/test/support/cluster-nodes.js";
import { startRoundRobinProxy, type RoundRobinProxy } from "../../packages/server/test/support/round-robin-proxy.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const cli = fileURLToPath(new URL("../../packages/server/dist/cli.js", import.meta.url));
const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");

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

/** Node `id` (NODE_ID) of the built CLI, started as `startCliNode` does, with its /healthz. */
export async function startNodeProcess(id: string, env: Record<string, string>): Promise<NodeProcess> {
  const node = await startCliNode(await ensureServerBuilt(), { NODE_ID: id, ...env });
  return {
    id,
    port: node.port,
    url: node.url,
    kill: node.kill,
    logs: node.logs,
    health: async () => (await fetch(`${node.url}/healthz`)).json() as Promise<{ status: string; connections: number; users: number }>,
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
