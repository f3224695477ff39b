/**
 * The relay workload between users on different nodes: on a 2-node cluster user i is on node
 * i mod 2 and its partner (i ^ 1) on the other, so every message crosses Redis; the comparison
 * runs the same users on one node. Both wait until every user's presence shows its partner. On
 * a cluster it also counts the Redis commands the relaying cost: INFO commandstats after the
 * last delivery minus before the first send.
 */
import { switchboardAdapter } from "../clients/switchboard.js";
import type { RunningRedis } from "../redis-server.js";
import type { LoadTarget } from "./common.js";
import { closedLoop, drain, finish, type RelayParams, type StreamRun } from "./relay.js";
import { PairStreams } from "./streams.js";

export interface CrossNodeRelayRun extends StreamRun {
  /** Messages delivered in the whole phase (warm-up, window, drain): what `redisCalls` is per. */
  relayed: number;
  /** Redis commands in the phase by name (the bench's own INFO left out); on a cluster only. */
  redisCalls?: Record<string, number>;
  /** How long that phase lasted, ms: commands that come with time (heartbeats), not with messages. */
  phaseMs: number;
}

export async function runCrossNodeRelay(target: LoadTarget, params: RelayParams, redis?: RunningRedis): Promise<CrossNodeRelayRun> {
  const streams = await PairStreams.open(switchboardAdapter, target.urlOf, params.pairs, true);
  const before = await redis?.commandStats();
  const start = performance.now();
  const cpu = await closedLoop(target, streams, params);
  await drain(streams);
  const phaseMs = performance.now() - start;
  const after = await redis?.commandStats();
  const relayed = streams.integrity().delivered;
  const run = await finish(target, streams, params.measureMs, cpu);
  return { ...run, relayed, phaseMs, ...(before && after ? { redisCalls: callsBetween(before, after) } : {}) };
}

/** Redis calls per relayed message, by command. */
export function callsPerMessage(run: CrossNodeRelayRun): Record<string, number> {
  return Object.fromEntries(Object.entries(run.redisCalls ?? {}).map(([name, calls]) => [name, calls / run.relayed]));
}

/** Calls per command from `before` to `after`, without the INFO that took `before`. */
function callsBetween(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  const calls: Record<string, number> = {};
  for (const [name, count] of Object.entries(after)) {
    const delta = count - (before[name] ?? 0) - (name === "info" ? 1 : 0);
    if (delta > 0) calls[name] = delta;
  }
  return calls;
}
