/**
 * Starts the servers under test as child processes, each pinned to its own CPU when the machine
 * has more than one, with `probe.js` preloaded so the bench can read their CPU time and memory.
 */
import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { readFileSync } from "node:fs";
import { createConnection, createServer } from "node:net";
import { fileURLToPath } from "node:url";
import type { ProcessStats } from "./probe.js";

export type ServerKind = "switchboard" | "bare" | "peerjs";
export const SERVER_KINDS: readonly ServerKind[] = ["switchboard", "bare", "peerjs"];

const distSrc = (file: string) => fileURLToPath(new URL(file, import.meta.url));
const SCRIPTS: Record<ServerKind, string> = {
  switchboard: fileURLToPath(new URL("../../../../packages/server/dist/cli.js", import.meta.url)),
  bare: distSrc("../bare-relay.js"),
  peerjs: distSrc("./peerjs-server.js"),
};
const PROBE = distSrc("./probe.js");

/**
 * The Node flags `npm start` runs Switchboard with (the root package.json's start script), so
 * that the bench measures the server as it is run.
 */
function startScriptNodeFlags(): string[] {
  const manifest = JSON.parse(readFileSync(fileURLToPath(new URL("../../../../package.json", import.meta.url)), "utf8")) as { scripts: { start: string } };
  const flags = /^node((?: --[\w-]+(?:=\S+)?)*) /.exec(manifest.scripts.start)?.[1];
  if (flags === undefined) throw new Error(`cannot read the node flags of the start script "${manifest.scripts.start}"`);
  return flags.split(" ").filter(Boolean);
}
const SWITCHBOARD_NODE_FLAGS = startScriptNodeFlags();

export interface ServerSetup {
  /** CPU to pin the server to (taskset), or undefined to let the OS choose. */
  cpu: number | undefined;
  /** Open-file limit to set for the child (prlimit), when allowed. */
  nofile: number | undefined;
  /** Write a V8 CPU profile of the Switchboard child here. */
  profileDir: string | undefined;
  /** Another build of Switchboard's cli.js to measure (e.g. a worktree of an older commit). */
  switchboardCli: string | undefined;
  /** More environment for a Switchboard child: REDIS_URL and NODE_ID make it a cluster node. */
  env?: Record<string, string>;
}

/**
 * All load comes from 127.0.0.1, so Switchboard's per-IP and per-connection limits are raised
 * out of the way; the limiters still run on every message.
 */
const SWITCHBOARD_ENV = {
  LOG_LEVEL: "warn",
  RATE_LIMIT_PER_SECOND: "1000000000",
  RATE_LIMIT_BURST: "1000000000",
  MAX_CONNECTIONS_PER_IP: "0",
  MAX_HTTP_CONNECTIONS_PER_IP: "0",
  MAX_CONNECTIONS: "0",
  LOGINS_PER_MINUTE_PER_IP: "0",
  // One node unless the setup says otherwise, whatever the shell running the bench has set.
  REDIS_URL: "",
  NODE_ID: "",
};

export interface RunningServer {
  readonly kind: ServerKind;
  readonly port: number;
  readonly pid: number;
  readonly url: string;
  /** Where user `index` connects: the one URL (a workload's `LoadTarget`). */
  urlOf(index: number): string;
  /** CPU time used so far, µs. */
  cpuMicros(): Promise<number>;
  /** CPU time and memory; `gc` first collects garbage (for memory figures). */
  stats(gc?: boolean): Promise<ProcessStats>;
  /** Writes a V8 heap snapshot of the server (after a full GC); resolves with its path. */
  heapSnapshot(): Promise<string>;
  /** The child's effective open-file limit. */
  nofileLimit(): number;
  stop(): Promise<void>;
}

export async function startServer(kind: ServerKind, setup: ServerSetup): Promise<RunningServer> {
  const port = await freePort();
  const nodeArgs = ["--expose-gc", ...(kind === "switchboard" ? SWITCHBOARD_NODE_FLAGS : []), "--import", PROBE];
  if (setup.profileDir && kind === "switchboard") nodeArgs.push("--cpu-prof", `--cpu-prof-dir=${setup.profileDir}`);
  const args = [...nodeArgs, kind === "switchboard" && setup.switchboardCli ? setup.switchboardCli : SCRIPTS[kind]];
  if (kind === "switchboard") args.push("--port", String(port), "--host", "127.0.0.1");

  const [command, ...rest] = launchCommand(setup, [process.execPath, ...args]);
  const child = spawn(command!, rest, {
    stdio: ["ignore", "ignore", "pipe", "ipc"],
    env: {
      ...process.env,
      PORT: String(port),
      HOST: "127.0.0.1",
      NODE_ENV: "production",
      ...(kind === "switchboard" ? { ...SWITCHBOARD_ENV, ...setup.env } : {}),
    },
  });
  killOnExit(child);
  let stderr = "";
  child.stderr!.on("data", (chunk: Buffer) => {
    if (stderr.length < 4000) stderr += chunk.toString();
  });
  const exited = once(child, "exit");
  try {
    await waitForPort(port, child, 15_000);
  } catch (error) {
    child.kill("SIGKILL");
    throw new Error(`${kind} did not start: ${(error as Error).message}\n${stderr}`);
  }
  const url = `ws://127.0.0.1:${port}`;
  const stats = (gc = false) => request<ProcessStats>(child, gc ? "memory" : "stats");
  return {
    kind,
    port,
    pid: child.pid!,
    url,
    urlOf: () => url,
    cpuMicros: async () => (await stats()).cpuMicros,
    stats,
    heapSnapshot: async () => (await request<{ file: string }>(child, "heap-snapshot", 300_000)).file,
    nofileLimit: () => readNofile(child.pid!),
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.send("exit");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

function request<T>(child: ChildProcess, what: "stats" | "memory" | "heap-snapshot", timeoutMs = 10_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.off("message", onMessage);
      reject(new Error(`no ${what} from pid ${child.pid}`));
    }, timeoutMs);
    const onMessage = (message: unknown) => {
      clearTimeout(timer);
      child.off("message", onMessage);
      resolve(message as T);
    };
    child.on("message", onMessage);
    child.send(what);
  });
}

/** `argv` under prlimit (the setup's open-file limit) and taskset (its CPU), as far as the setup asks. */
export function launchCommand(setup: Pick<ServerSetup, "cpu" | "nofile">, argv: string[]): string[] {
  const wrapper: string[] = [];
  if (setup.nofile !== undefined) wrapper.push("prlimit", `--nofile=${setup.nofile}:${setup.nofile}`, "--");
  if (setup.cpu !== undefined) wrapper.push("taskset", "-c", String(setup.cpu));
  return [...wrapper, ...argv];
}

const liveChildren = new Set<ChildProcess>();
let exitHooked = false;

/**
 * SIGKILLs `child` if the bench exits while it still runs (a failure that skipped a `stop()`),
 * so that no server or redis-server outlives the bench.
 */
export function killOnExit(child: ChildProcess): void {
  if (!exitHooked) {
    exitHooked = true;
    process.once("exit", () => liveChildren.forEach((running) => running.kill("SIGKILL")));
  }
  liveChildren.add(child);
  child.once("exit", () => liveChildren.delete(child));
}

export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, "close");
  return port;
}

export async function waitForPort(port: number, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`exited with code ${child.exitCode}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ port, host: "127.0.0.1" });
      socket.once("connect", () => (socket.destroy(), resolve(true)));
      socket.once("error", () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`port ${port} not open after ${timeoutMs} ms`);
}

export function readNofile(pid: number | "self"): number {
  const limits = readFileSync(`/proc/${pid}/limits`, "utf8");
  const line = limits.split("\n").find((l) => l.startsWith("Max open files"));
  return Number(line?.split(/\s+/)[3] ?? Number.NaN);
}

/** Raises this process's open-file limit if allowed; returns the limit in force. */
export function raiseOwnNofile(wanted: number): number {
  try {
    execFileSync("prlimit", ["--pid", String(process.pid), `--nofile=${wanted}:${wanted}`], { stdio: "ignore" });
  } catch {
    // Not permitted: keep what we have and report it.
  }
  return readNofile("self");
}

/** Pins this process (all its threads) to one CPU, or a list as taskset reads it ("0-1"), if taskset is available. */
export function pinSelf(cpus: number | string): boolean {
  try {
    execFileSync("taskset", ["-a", "-p", "-c", String(cpus), String(process.pid)], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** The CPUs this process may run on now, as taskset reads them ("0", "0-1"). */
export function ownCpus(): string {
  return /^Cpus_allowed_list:\s*(\S+)$/m.exec(readFileSync("/proc/self/status", "utf8"))?.[1] ?? "0";
}
