/**
 * Throughput: P pairs, W messages in flight per client (closed loop: each delivery releases the
 * sender's next message). Reports delivered messages/s in a window after a warm-up, latency,
 * integrity after draining, and the CPU both sides used.
 */
import type { ClientAdapter } from "../clients/index.js";
import { closeAll } from "../clients/index.js";
import { percentiles, type Percentiles } from "../stats.js";
import { sleep, startCpuWindow, type CpuUse, type LoadTarget } from "./common.js";
import { PairStreams, type Integrity } from "./streams.js";

export interface RelayParams {
  pairs: number;
  window: number;
  warmupMs: number;
  measureMs: number;
}

export interface StreamRun {
  server: string;
  messagesPerSecond: number;
  latencyMs: Percentiles;
  integrity: Integrity;
  cpu: CpuUse;
}

export async function runRelay(server: LoadTarget, adapter: ClientAdapter, params: RelayParams): Promise<StreamRun> {
  const streams = await PairStreams.open(adapter, server.urlOf, params.pairs);
  const cpu = await closedLoop(server, streams, params);
  return finish(server, streams, params.measureMs, cpu);
}

/** Runs the closed loop through warm-up and the window; stops sending then (messages may still be in flight). */
export async function closedLoop(server: LoadTarget, streams: PairStreams, params: RelayParams): Promise<CpuUse> {
  let running = true;
  streams.onDelivered = (i) => {
    if (running) streams.send(i);
  };
  for (let i = 0; i < streams.count; i++) for (let w = 0; w < params.window; w++) streams.send(i);
  const cpu = await measureWindow(server, streams, params);
  running = false;
  return cpu;
}

/** Warms up, then measures one window of the streams; returns the server's CPU use over it. */
export async function measureWindow(
  server: LoadTarget,
  streams: PairStreams,
  params: { warmupMs: number; measureMs: number },
): Promise<CpuUse> {
  await sleep(params.warmupMs);
  const endCpu = await startCpuWindow(server);
  streams.windowStart = performance.now();
  streams.windowEnd = streams.windowStart + params.measureMs;
  await sleep(params.measureMs);
  return endCpu();
}

/** Waits until nothing is in flight (at most 10 s). */
export async function drain(streams: PairStreams): Promise<void> {
  const deadline = performance.now() + 10_000;
  while (streams.inFlight() > 0 && performance.now() < deadline) await sleep(20);
}

/** Drains what is in flight, checks integrity and closes the clients. */
export async function finish(server: LoadTarget, streams: PairStreams, measureMs: number, cpu: CpuUse): Promise<StreamRun> {
  await drain(streams);
  const result: StreamRun = {
    server: server.kind,
    messagesPerSecond: (streams.windowDeliveries * 1000) / measureMs,
    latencyMs: percentiles(streams.latencies.values()),
    integrity: streams.integrity(),
    cpu,
  };
  await closeAll(streams.connections);
  return result;
}
