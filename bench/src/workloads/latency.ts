/**
 * Latency at a fixed offered rate (open loop): messages are sent on a 1 ms schedule whatever the
 * server's pace, spread round-robin over the streams, so queueing shows up as latency.
 */
import type { ClientAdapter } from "../clients/index.js";
import type { LoadTarget } from "./common.js";
import { finish, measureWindow, type StreamRun } from "./relay.js";
import { PairStreams } from "./streams.js";

export interface LatencyParams {
  pairs: number;
  /** Offered load, messages per second in total. */
  rate: number;
  warmupMs: number;
  measureMs: number;
}

export async function runFixedRate(server: LoadTarget, adapter: ClientAdapter, params: LatencyParams): Promise<StreamRun & { offered: number }> {
  const streams = await PairStreams.open(adapter, server.urlOf, params.pairs);
  const start = performance.now();
  const stopAt = start + params.warmupMs + params.measureMs;
  let sent = 0;
  let next = 0;
  const ticker = setInterval(() => {
    const now = performance.now();
    const due = Math.floor((Math.min(now, stopAt) - start) * params.rate / 1000) - sent;
    for (let k = 0; k < due; k++) {
      streams.send(next);
      next = (next + 1) % streams.count;
    }
    sent += Math.max(0, due);
  }, 1);

  const cpu = await measureWindow(server, streams, params);
  clearInterval(ticker);
  return { ...(await finish(server, streams, params.measureMs, cpu)), offered: params.rate };
}
