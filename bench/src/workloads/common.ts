import type { Connection } from "../clients/index.js";
import type { RunningServer } from "../servers.js";

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** CPU use of the generator (this process) and of a server over one measurement window. */
export interface CpuUse {
  /** Fraction of one core, 0..1 (can exceed 1 briefly with helper threads). */
  generator: number;
  server: number;
}

export async function startCpuWindow(server: RunningServer): Promise<() => Promise<CpuUse>> {
  const serverStart = (await server.stats()).cpuMicros;
  const generatorStart = process.cpuUsage();
  const wallStart = performance.now();
  return async () => {
    const generator = process.cpuUsage(generatorStart);
    const serverEnd = (await server.stats()).cpuMicros;
    const wallMicros = (performance.now() - wallStart) * 1000;
    return {
      generator: (generator.user + generator.system) / wallMicros,
      server: (serverEnd - serverStart) / wallMicros,
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
