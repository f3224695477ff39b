/**
 * Preloaded (`node --import`) into every server child: answers the bench over the IPC channel
 * with the process's CPU time and memory, so the three servers are measured the same way
 * without touching their code. `exit` ends the process normally (so `--cpu-prof` is written);
 * `heap-snapshot` writes a V8 heap snapshot (after a full GC) and answers with its path.
 */
import { tmpdir } from "node:os";
import { getHeapSpaceStatistics, writeHeapSnapshot } from "node:v8";

export interface ProcessStats {
  /** CPU time used so far, in microseconds (user + system). */
  cpuMicros: number;
  rss: number;
  heapUsed: number;
  /** V8 heap committed (used or not). */
  heapTotal: number;
  external: number;
  /** Per V8 heap space (memory requests only): bytes committed and in use. */
  spaces?: Record<string, { size: number; used: number }>;
}

const gc = (globalThis as { gc?: () => void }).gc;

if (process.send) {
  process.on("message", (request) => {
    if (request === "exit") process.exit(0);
    if (request === "heap-snapshot") return void process.send!({ file: writeHeapSnapshot(`${tmpdir()}/server-${process.pid}-${Date.now()}.heapsnapshot`) });
    if (request !== "stats" && request !== "memory") return;
    if (request === "memory" && gc) {
      gc();
      gc();
    }
    const cpu = process.cpuUsage();
    const memory = process.memoryUsage();
    const stats: ProcessStats = {
      cpuMicros: cpu.user + cpu.system,
      rss: memory.rss,
      heapUsed: memory.heapUsed,
      heapTotal: memory.heapTotal,
      external: memory.external,
    };
    if (request === "memory") {
      stats.spaces = Object.fromEntries(getHeapSpaceStatistics().map((space) => [space.space_name, { size: space.space_size, used: space.space_used_size }]));
    }
    process.send!(stats);
  });
  // The IPC channel must not keep a server alive that would otherwise exit.
  process.channel?.unref();
}
