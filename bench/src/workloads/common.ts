import type { Connection } from "../clients/index.js";

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * What a workload's clients connect to: one server (a `RunningServer`), or the nodes of a
 * cluster, which then take the users in turn.
 */
export interface LoadTarget {
  /** Reported with each run. */
  readonly kind: string;
  /** ws://host:port for user number `index`. */
  urlOf(index: number): string;
  /** CPU time the server processes (every node) used so far, µs. */
  cpuMicros(): Promise<number>;
  /** A cluster's: the CPU time its redis-server used so far, µs. */
  redisCpuMicros?(): number;
}

/** CPU use of the generator (this process) and of the servers over one measurement window. */
export interface CpuUse {
  /** Fraction of one core, 0..1 (can exceed 1 briefly with helper threads). */
  generator: number;
  /** All of a cluster's nodes together. */
  server: number;
  /** A cluster's redis-server. */
  redis?: number;
}

export async function startCpuWindow(target: LoadTarget): Promise<() => Promise<CpuUse>> {
  const serverStart = await target.cpuMicros();
  const redisStart = target.redisCpuMicros?.();
  const generatorStart = process.cpuUsage();
  const wallStart = performance.now();
  return async () => {
    const generator = process.cpuUsage(generatorStart);
    const serverEnd = await target.cpuMicros();
    const redisEnd = target.redisCpuMicros?.();
    const wallMicros = (performance.now() - wallStart) * 1000;
    return {
      generator: (generator.user + generator.system) / wallMicros,
      server: (serverEnd - serverStart) / wallMicros,
      ...(redisStart !== undefined && redisEnd !== undefined ? { redis: (redisEnd - redisStart) / wallMicros } : {}),
    };
  };
}

/** Waits until no connection has received a frame for `quietMs` (at most `maxMs`). */
export async function waitQuiet(connections: readonly Connection[], quietMs = 200, maxMs = 10_000): Promise<void> {
  const deadline = performance.now() + maxMs;
  let last = -1;
  let lastChange = performance.now();
  while (performance.now() < deadline) {
    let frames = 0;
    for (const connection of connections) frames += connection.framesReceived;
    if (frames !== last) {
      last = frames;
      lastChange = performance.now();
    } else if (performance.now() - lastChange >= quietMs) return;
    await sleep(Math.min(50, quietMs / 2));
  }
}

let generation = 0;

/**
 * Fresh names `<prefix><generation>-0`, `<prefix><generation>-1`, ... for each call: a server may
 * keep a dropped user's name for a while (Switchboard holds sessions for resuming).
 */
export function names(count: number, prefix = "u"): string[] {
  const tag = `${prefix}${generation++}-`;
  return Array.from({ length: count }, (_, i) => `${tag}${i}`);
}
