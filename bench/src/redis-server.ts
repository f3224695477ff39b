/**
 * The redis-server a bench cluster shares (Debian's package), pinned like the servers, on
 * 127.0.0.1 and a free port, keeping nothing on disk. The bench reads its CPU time from
 * /proc/<pid>/stat and its per-command call counts from INFO commandstats, which it asks over a
 * plain socket in RESP (no client library for two commands).
 */
import { execFileSync, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createConnection } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, killOnExit, launchCommand, waitForPort, type ServerSetup } from "./servers.js";

export interface RunningRedis {
  /** redis://127.0.0.1:<port>, for REDIS_URL. */
  readonly url: string;
  readonly pid: number;
  /** CPU time used so far (user + system, all threads), µs, at the kernel's clock-tick resolution. */
  cpuMicros(): number;
  /** Calls per command since start, by Redis's lower-case name (`publish`, `evalsha`, `client|setinfo`). */
  commandStats(): Promise<Record<string, number>>;
  stop(): Promise<void>;
}

const TICKS_PER_SECOND = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;

export async function startRedis(setup: Pick<ServerSetup, "cpu">): Promise<RunningRedis> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "bench-redis-"));
  const argv = ["redis-server", "--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--save", "", "--appendonly", "no", "--daemonize", "no"];
  // taskset execs redis-server: the child's pid is redis-server's.
  const [command, ...rest] = launchCommand({ cpu: setup.cpu, nofile: undefined }, argv);
  const child = spawn(command!, rest, { stdio: ["ignore", "pipe", "pipe"] });
  killOnExit(child);
  let output = "";
  child.once("error", (error) => (output += `${error.message}\n`)); // e.g. not installed: reported when the port stays closed
  const keep = (chunk: Buffer) => void (output.length < 4000 && (output += chunk.toString()));
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  const exited = once(child, "exit");
  const removeDir = () => rmSync(dir, { recursive: true, force: true });
  try {
    await waitForPort(port, child, 10_000);
    await redisCommand(port, ["PING"]);
  } catch (error) {
    child.kill("SIGKILL");
    await exited;
    removeDir();
    throw new Error(`redis-server did not start (Debian package redis-server): ${(error as Error).message}\n${output}`);
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    pid: child.pid!,
    cpuMicros: () => processCpuMicros(child.pid!),
    commandStats: async () => parseCommandStats(await redisCommand(port, ["INFO", "commandstats"])),
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
        await exited;
        clearTimeout(timer);
      }
      removeDir();
    },
  };
}

/** utime + stime of a process (fields 14 and 15 of /proc/<pid>/stat, after the parenthesised name), µs. */
function processCpuMicros(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1e6) / TICKS_PER_SECOND;
}

/** `cmdstat_publish:calls=3,usec=...` lines of INFO commandstats, as { publish: 3 }. */
function parseCommandStats(info: string): Record<string, number> {
  const stats: Record<string, number> = {};
  for (const match of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) stats[match[1]!] = Number(match[2]);
  return stats;
}

/**
 * Sends one command on a fresh connection and resolves with its reply: a simple or bulk string,
 * or an integer as text. An error reply rejects.
 */
function redisCommand(port: number, args: string[], timeoutMs = 2_000): Promise<string> {
  const request = `*${args.length}\r\n${args.map((arg) => `$${Buffer.byteLength(arg)}\r\n${arg}\r\n`).join("")}`;
  return new Promise((resolve, reject) => {
    const socket = createConnection({ port, host: "127.0.0.1" });
    let received = Buffer.alloc(0);
    const settle = (error: Error | undefined, reply?: string) => {
      clearTimeout(timer);
      socket.destroy();
      if (error) reject(error);
      else resolve(reply!);
    };
    const timer = setTimeout(() => settle(new Error(`redis on ${port} did not answer ${args[0]} within ${timeoutMs} ms`)), timeoutMs);
    socket.once("connect", () => socket.write(request));
    socket.once("error", (error) => settle(error));
    socket.on("data", (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      const lineEnd = received.indexOf("\r\n");
      if (lineEnd < 0) return;
      const line = received.toString("utf8", 1, lineEnd);
      const kind = String.fromCharCode(received[0]!);
      if (kind === "-") return settle(new Error(`redis: ${line}`));
      if (kind === "+" || kind === ":") return settle(undefined, line);
      if (kind !== "$") return settle(new Error(`unexpected reply to ${args[0]}: ${received.toString("utf8", 0, 80)}`));
      const length = Number(line);
      if (length < 0) return settle(undefined, "");
      if (received.length >= lineEnd + 2 + length + 2) settle(undefined, received.toString("utf8", lineEnd + 2, lineEnd + 2 + length));
    });
  });
}
