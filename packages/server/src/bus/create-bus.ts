import type { Config } from "../config.js";
import type { Logger } from "../logger.js";
import type { Bus } from "./bus.js";
import { MemoryBroker, MemoryBus } from "./memory-bus.js";
import { RedisBus } from "./redis-bus.js";

/** The bus a node's configuration asks for: Redis with REDIS_URL, else one node in memory. */
export function createBus(config: Config, logger: Logger): Bus {
  const timing = { heartbeatMs: config.nodeHeartbeatMs, nodeTimeoutMs: config.nodeTimeoutMs, resumeGraceMs: config.resumeGraceMs };
  const nodeId = config.nodeId ?? crypto.randomUUID();
  if (config.redisUrl === undefined) return new MemoryBus(new MemoryBroker(timing), nodeId);
  return new RedisBus({ url: config.redisUrl, nodeId, timing, prefix: config.redisPrefix, logger });
}
