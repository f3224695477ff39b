/**
 * The cluster part of `npm run bench`: relay between users on different nodes of a 2-node
 * cluster, and a join storm spread over 3 nodes, each against the same load on one node (no
 * REDIS_URL) in the same run, the two alternating which goes first. Every server process (nodes
 * and redis-server) is pinned to the servers' CPU, so the cluster gets the core one node gets.
 */
import { startCluster } from "./cluster.js";
import type { Options } from "./options.js";
import { startServer, type ServerSetup } from "./servers.js";
import { callsPerMessage, runCrossNodeRelay, type CrossNodeRelayRun } from "./workloads/cross-node-relay.js";
import { runJoinStorm, type StormRun } from "./workloads/join-storm.js";

const RELAY_NODES = 2;
const STORM_NODES = 3;

export interface ClusterResults {
  relay?: { nodes: number; oneNode: CrossNodeRelayRun[]; cluster: CrossNodeRelayRun[] };
  storm?: { nodes: number; users: number; oneNode: StormRun[]; cluster: StormRun[] };
}

type Log = (line: string) => void;
type Side = "oneNode" | "cluster";
/** Odd repetitions run one node first, even ones the cluster. */
const sides = (rep: number): Side[] => (rep % 2 === 1 ? ["oneNode", "cluster"] : ["cluster", "oneNode"]);

export async function runClusterBench(params: Options["cluster"], setup: ServerSetup, log: Log): Promise<ClusterResults> {
  return {
    relay: await relayAcrossNodes(params.relay, setup, log),
    storm: await stormAcrossNodes(params.storm, setup, log),
  };
}

async function relayAcrossNodes(params: Options["cluster"]["relay"], setup: ServerSetup, log: Log): Promise<ClusterResults["relay"]> {
  const runs: Record<Side, CrossNodeRelayRun[]> = { oneNode: [], cluster: [] };
  const oneNode = await startServer("switchboard", setup);
  try {
    const cluster = await startCluster(RELAY_NODES, setup);
    try {
      for (let rep = 1; rep <= params.reps; rep++) {
        for (const side of sides(rep)) {
          const run = side === "oneNode" ? await runCrossNodeRelay(oneNode, params) : await runCrossNodeRelay(cluster, params, cluster.redis);
          runs[side].push(run);
          log(`cluster relay ${rep}/${params.reps} ${side === "oneNode" ? "one node" : `across ${RELAY_NODES} nodes`}: ${describeRelay(run)}`);
        }
      }
    } finally {
      await cluster.stop();
    }
  } finally {
    await oneNode.stop();
  }
  return { nodes: RELAY_NODES, ...runs };
}

async function stormAcrossNodes(params: Options["cluster"]["storm"], setup: ServerSetup, log: Log): Promise<ClusterResults["storm"]> {
  const runs: Record<Side, StormRun[]> = { oneNode: [], cluster: [] };
  const { users, concurrency } = params;
  for (let rep = 1; rep <= params.reps; rep++) {
    for (const side of sides(rep)) {
      // Fresh servers (and a fresh Redis) for every storm; runJoinStorm stops them.
      const target = side === "oneNode" ? await startServer("switchboard", setup) : await startCluster(STORM_NODES, setup);
      const run = await runJoinStorm(target, users, concurrency, Math.max(30_000, users * 10));
      runs[side].push(run);
      const redis = run.cpu.redis === undefined ? "" : `, redis CPU ${Math.round(run.ms * run.cpu.redis)} ms`;
      log(
        `cluster storm ${rep}/${params.reps} ${users} users ${side === "oneNode" ? "on one node" : `over ${STORM_NODES} nodes`}: ` +
          `${run.converged ? `${Math.round(run.ms)} ms (nodes' CPU ${Math.round(run.ms * run.cpu.server)} ms${redis})` : "did not converge"}, ` +
          `${(run.bytes / 1e6).toFixed(1)} MB, cpu nodes ${pct(run.cpu.server)} generator ${pct(run.cpu.generator)}`,
      );
    }
  }
  return { nodes: STORM_NODES, users, ...runs };
}

function describeRelay(run: CrossNodeRelayRun): string {
  const micros = (cpu: number) => ((cpu * 1e6) / run.messagesPerSecond).toFixed(1);
  const redis = run.cpu.redis === undefined ? "" : ` + redis ${micros(run.cpu.redis)}`;
  const perMessage = callsPerMessage(run);
  const others = Object.entries(perMessage).reduce((sum, [name, calls]) => (name === "publish" ? sum : sum + calls), 0);
  const calls = run.redisCalls ? `, redis commands per message: publish ${(perMessage.publish ?? 0).toFixed(4)}, others ${others.toFixed(4)}` : "";
  const { lost, duplicated, reordered } = run.integrity;
  return (
    `${Math.round(run.messagesPerSecond)} msg/s, p50 ${run.latencyMs.p50.toFixed(2)} ms, p99 ${run.latencyMs.p99.toFixed(2)} ms, ` +
    `µs/msg nodes ${micros(run.cpu.server)}${redis}, cpu nodes ${pct(run.cpu.server)}${run.cpu.redis === undefined ? "" : ` redis ${pct(run.cpu.redis)}`} ` +
    `generator ${pct(run.cpu.generator)}${calls}, lost ${lost} dup ${duplicated} reordered ${reordered}`
  );
}

const pct = (fraction: number) => `${Math.round(fraction * 100)}%`;
