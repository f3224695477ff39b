/**
 * A Switchboard cluster for the bench: one fresh redis-server and N nodes sharing it (REDIS_URL,
 * NODE_ID node-1..N), every process pinned to the servers' CPU, so that the cluster gets the
 * same core one node gets. User i connects to node i mod N.
 */
import { startRedis, type RunningRedis } from "./redis-server.js";
import { startServer, type RunningServer, type ServerSetup } from "./servers.js";
import type { LoadTarget } from "./workloads/common.js";

export interface Cluster extends LoadTarget {
  readonly nodes: readonly RunningServer[];
  readonly redis: RunningRedis;
  /** Stops the nodes, then redis-server. */
  stop(): Promise<void>;
}

export async function startCluster(size: number, setup: ServerSetup): Promise<Cluster> {
  const redis = await startRedis(setup);
  const started = await Promise.allSettled(
    Array.from({ length: size }, (_, i) => startServer("switchboard", { ...setup, env: { ...setup.env, REDIS_URL: redis.url, NODE_ID: `node-${i + 1}` } })),
  );
  const nodes = started.flatMap((result) => (result.status === "fulfilled" ? [result.value] : []));
  const stop = async () => {
    await Promise.all(nodes.map((node) => node.stop()));
    await redis.stop();
  };
  const failed = started.find((result) => result.status === "rejected");
  if (failed) {
    await stop();
    throw failed.reason;
  }
  return {
    kind: `${size} nodes`,
    nodes,
    redis,
    urlOf: (index) => nodes[index % size]!.url,
    cpuMicros: async () => (await Promise.all(nodes.map((node) => node.cpuMicros()))).reduce((sum, micros) => sum + micros, 0),
    redisCpuMicros: () => redis.cpuMicros(),
    stop,
  };
}
