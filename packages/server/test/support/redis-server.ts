import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { Redis } from "ioredis";
import { afterAll, beforeAll } from "vitest";
import { cleanUpOnExit } from "./exit-cleanup.js";
import { stopChild } from "./child-stop.js";
import { freePort } from "./free-port.js";

/**
 * A real redis-server (the Debian package) on 127.0.0.1 and a free port, for the cluster tests.
 * It keeps nothing on disk unless `persist` is set; its files live in a fresh temp dir.
 */
export interface RunningRedis {
  /** redis://127.0.0.1:<port>, for REDIS_URL. */
  readonly url: string;
  readonly port: number;
  /** Everything redis-server logged, for failure messages. */
  logs(): string;
  /** Stops it (SIGTERM) and removes its temp dir. Safe to call twice, or after kill(). */
  stop(): Promise<void>;
  /** Stops it (if running) and starts it again on the same port and dir; resolves once PING answers. */
  restart(): Promise<void>;
  /** SIGKILL, a crash: resolves once it has exited. Its dir stays, for restart(); stop() removes it. */
  kill(): Promise<void>;
  /**
   * SIGSTOP: Redis is unreachable without refusing connections (the kernel still accepts them;
   * nothing answers), as across a network partition. With `ms` it resumes by itself after that long.
   */
  pause(ms?: number): void;
  /** SIGCONT after pause(). */
  resume(): void;
  /**
   * Calls per command since start (INFO commandstats), keyed by Redis's lower-case name, e.g.
   * `publish`, `client|setinfo`. Includes the harness's own calls (`info`, `flushall`, `ping`).
   */
  commandStats(): Promise<Record<string, number>>;
  flushAll(): Promise<void>;
}

export interface RedisOptions {
  /** Append-only file on: what was written survives restart() and kill() + restart(). */
  persist?: boolean;
}

const START_TIMEOUT_MS = 10_000;

interface RedisProcess {
  child: ChildProcess;
  exited: Promise<void>;
}

export async function startRedis(options: RedisOptions = {}): Promise<RunningRedis> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "switchboard-redis-"));
  const args = [
    ["--port", String(port)],
    ["--bind", "127.0.0.1"],
    ["--dir", dir],
    ["--daemonize", "no"],
    ["--save", ""],
    // fsync on every write, so a kill() loses nothing a test wrote before it.
    ...(options.persist ? [["--appendonly", "yes"], ["--appendfsync", "always"]] : [["--appendonly", "no"]]),
  ].flat();

  let output = "";
  let running: RedisProcess | null = null;
  let paused = false;
  let resumeTimer: NodeJS.Timeout | undefined;

  const launch = async () => {
    const child = spawn("redis-server", args, { stdio: ["ignore", "pipe", "pipe"] });
    child.stdout!.on("data", (chunk) => (output += String(chunk)));
    child.stderr!.on("data", (chunk) => (output += String(chunk)));
    let spawnError: Error | null = null;
    let gone = false;
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    void exited.then(() => (gone = true));
    child.once("error", (error) => (spawnError = error));
    running = { child, exited };
    const failure = () =>
      spawnError
        ? `cannot run redis-server (Debian package redis-server): ${spawnError.message}`
        : gone
          ? `redis-server exited while starting:\n${output}`
          : null;
    await untilPingAnswers(port, failure, () => output);
  };

  const resume = () => {
    clearTimeout(resumeTimer);
    if (paused) running?.child.kill("SIGCONT");
    paused = false;
  };

  const end = async (signal: "SIGTERM" | "SIGKILL") => {
    const current = running;
    // A stopped process would not act on SIGTERM until continued.
    resume();
    running = null;
    await stopChild(current, signal);
  };

  const unregister = cleanUpOnExit(() => {
    running?.child.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  });
  try {
    await launch();
  } catch (error) {
    await end("SIGKILL");
    unregister();
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }

  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    logs: () => output,
    async stop() {
      await end("SIGTERM");
      unregister();
      rmSync(dir, { recursive: true, force: true });
    },
    async restart() {
      await end("SIGTERM");
      await launch();
    },
    kill: () => end("SIGKILL"),
    pause(ms) {
      if (!running) throw new Error("redis-server is not running");
      clearTimeout(resumeTimer);
      running.child.kill("SIGSTOP");
      paused = true;
      if (ms !== undefined) resumeTimer = setTimeout(resume, ms).unref();
    },
    resume,
    commandStats: () => withClient(port, async (client) => parseCommandStats(await client.info("commandstats"))),
    flushAll: () => withClient(port, async (client) => void (await client.flushall())),
  };
}

/** `cmdstat_get:calls=3,usec=...` lines of INFO commandstats, as { get: 3 }. */
function parseCommandStats(info: string): Record<string, number> {
  const stats: Record<string, number> = {};
  for (const match of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) stats[match[1]!] = Number(match[2]);
  return stats;
}

/**
 * One short-lived connection for the harness's own commands: no retries, no offline queue,
 * and no ready check or CLIENT SETINFO, so that it adds only the commands it is asked for.
 */
async function withClient<T>(port: number, use: (client: Redis) => Promise<T>, timeoutMs = 2_000): Promise<T> {
  const client = new Redis({
    host: "127.0.0.1",
    port,
    lazyConnect: true,
    retryStrategy: () => null,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    enableReadyCheck: false,
    disableClientInfo: true,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
  });
  client.on("error", () => undefined); // Reported through the rejected command instead.
  try {
    await client.connect();
    return await use(client);
  } finally {
    client.disconnect();
  }
}

/** Resolves once PING answers on `port`; throws as soon as `failure()` says the process is gone. */
async function untilPingAnswers(port: number, failure: () => string | null, logs: () => string): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    const answered = await withClient(port, (client) => client.ping(), 500).then(
      (reply) => reply === "PONG",
      () => false,
    );
    if (answered) return;
    const reason = failure();
    if (reason !== null) throw new Error(reason);
    if (Date.now() > deadline) throw new Error(`redis-server did not answer PING on ${port} within ${START_TIMEOUT_MS} ms:\n${logs()}`);
    await delay(20);
  }
}

/**
 * One redis-server for a test file (started before its tests, stopped after), with a fresh key
 * prefix per cluster (clusters never see each other's state) and plain connections for what the
 * tests ask Redis themselves.
 */
export function redisPerFile(): { readonly redis: RunningRedis; freshPrefix(): string; client(): Redis } {
  let running: RunningRedis | undefined;
  let clusters = 0;
  beforeAll(async () => {
    running = await startRedis();
  });
  afterAll(async () => {
    await running?.stop();
  });
  return {
    get redis() {
      if (!running) throw new Error("redisPerFile: Redis starts in beforeAll");
      return running;
    },
    freshPrefix: () => `test${++clusters}:`,
    client: () => {
      const connection = new Redis(running!.url, { maxRetriesPerRequest: 0 });
      connection.on("error", () => {});
      return connection;
    },
  };
}
