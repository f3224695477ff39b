import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { builtCli } from "./cli-process.js";
import { cleanUpOnExit } from "./exit-cleanup.js";
import { startRoundRobinProxy, type RoundRobinProxy } from "./round-robin-proxy.js";

/** One server node: the built CLI as its own process, on a free port of 127.0.0.1. */
export interface ClusterNode {
  readonly port: number;
  /** http://127.0.0.1:<port> */
  readonly url: string;
  readonly pid: number;
  /** SIGKILL, a crash: resolves once the process has exited. */
  kill(): Promise<void>;
  /** SIGTERM, a graceful shutdown: resolves with the exit code. */
  term(): Promise<number | null>;
  /** The exit code, once the process has exited (null when a signal ended it). */
  readonly exited: Promise<number | null>;
  /** Everything the node wrote to stdout and stderr, in order. */
  logs(): string;
}

const root = fileURLToPath(new URL("../../../..", import.meta.url));
const LISTEN_TIMEOUT_MS = 10_000;

/**
 * Starts a node with PORT=0, HOST=127.0.0.1 and LOG_LEVEL=info, then `env` on top, and resolves
 * once it logs the port it listens on. Only PATH is inherited, so a REDIS_URL or NODE_ID in the
 * shell running the tests never reaches a node.
 */
export function startNode(env: Record<string, string> = {}): Promise<ClusterNode> {
  return startCliNode(builtCli(), env);
}

/** `startNode` with the CLI at `cli` (a project without the integration project's build, e2e's). */
export async function startCliNode(cli: string, env: Record<string, string>): Promise<ClusterNode> {
  const child = spawn(process.execPath, [cli], {
    env: { PATH: process.env.PATH, PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "info", ...env },
    cwd: root,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const unregister = cleanUpOnExit(() => child.kill("SIGKILL"));
  let output = "";
  const exited = new Promise<number | null>((resolve) =>
    child.once("exit", (code) => {
      unregister();
      resolve(code);
    }),
  );
  child.stderr!.on("data", (chunk) => (output += String(chunk)));

  const port = await new Promise<number>((resolve, reject) => {
    let listening = false;
    let partial = "";
    const timer = setTimeout(() => fail(`no "switchboard listening" line within ${LISTEN_TIMEOUT_MS} ms`), LISTEN_TIMEOUT_MS);
    const fail = (reason: string) => {
      if (listening) return;
      clearTimeout(timer);
      child.kill("SIGKILL");
      reject(new Error(`server node ${reason}:\n${output}`));
    };
    child.once("error", (error) => fail(`could not be run: ${error.message}`));
    void exited.then((code) => fail(`exited (${code}) before listening`));
    child.stdout!.on("data", (chunk) => {
      output += String(chunk);
      if (listening) return;
      // The JSON log line saying where it listens, read as cli.test.ts reads it.
      const lines = (partial + String(chunk)).split("\n");
      partial = lines.pop()!;
      const line = lines.find((candidate) => candidate.includes("switchboard listening"));
      if (line === undefined) return;
      listening = true;
      clearTimeout(timer);
      resolve((JSON.parse(line) as { port: number }).port);
    });
  });

  const kill = async () => {
    child.kill("SIGKILL");
    await exited;
  };
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    kill,
    term: () => {
      child.kill("SIGTERM");
      return exited;
    },
    exited,
    logs: () => output,
  };
}

export interface Cluster {
  readonly nodes: ClusterNode[];
  /** Round-robin over the nodes that have not exited. */
  readonly proxy: RoundRobinProxy;
  /** Closes the proxy and kills every node still running. */
  stop(): Promise<void>;
}

export interface ClusterOptions {
  nodes: number;
  redisUrl: string;
  /** On top of REDIS_URL and NODE_ID (node-1, node-2, ...), for every node. */
  env?: Record<string, string>;
}

export async function startCluster({ nodes: count, redisUrl, env = {} }: ClusterOptions): Promise<Cluster> {
  const started = await Promise.allSettled(
    Array.from({ length: count }, (_, i) => startNode({ REDIS_URL: redisUrl, NODE_ID: `node-${i + 1}`, ...env })),
  );
  const nodes = started.flatMap((result) => (result.status === "fulfilled" ? [result.value] : []));
  const failed = started.find((result) => result.status === "rejected");
  if (failed) {
    await Promise.all(nodes.map((node) => node.kill()));
    throw failed.reason;
  }

  // Registered before any test awaits exited (through kill() or term()), so a node is out of the
  // rotation by the time that await returns.
  const gone = new Set<ClusterNode>();
  for (const node of nodes) void node.exited.then(() => gone.add(node));
  const proxy = await startRoundRobinProxy(() => nodes.filter((node) => !gone.has(node)).map((node) => node.port));
  return {
    nodes,
    proxy,
    async stop() {
      await proxy.close();
      await Promise.all(nodes.map((node) => node.kill()));
    },
  };
}
