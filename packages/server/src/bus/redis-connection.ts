import { Redis, type RedisOptions } from "ioredis";
import { z } from "zod";
import type { Logger } from "pino";
import { BusUnavailableError } from "./bus.js";
import type { NodeTiming } from "./memory-bus.js";

/** A connection as the Redis bus needs it: opened by `connect()`, failing fast while Redis is away. */
export function redisConnection(url: string, connectionName: string, socketTimeout: number, options: RedisOptions = {}): Redis {
  return new Redis(url, {
    lazyConnect: true,
    connectionName,
    // Fail fast while Redis is unreachable (BusUnavailableError), and never replay a state
    // change after a reconnect: the bus's sync restores what the node holds instead.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    // The sync subscribes again, and must know when the subscription holds.
    autoResubscribe: false,
    // A Redis that stops answering (paused, partitioned) is lost like a closed one.
    socketTimeout,
    retryStrategy: (attempt) => Math.min(50 * 2 ** (attempt - 1), 1000) + Math.floor(Math.random() * 50),
    ...options,
  });
}

/** Says goodbye when connected, else just stops reconnecting. */
export async function quit(connection: Redis): Promise<void> {
  if (connection.status !== "ready") return connection.disconnect();
  await connection.quit().catch(() => connection.disconnect());
}

/**
 * Connection trouble, and a Redis that refuses writes (out of memory, loading, read-only),
 * becomes BusUnavailableError; a script's error or a malformed reply is a bug, kept as is.
 */
export function unavailable(error: unknown): never {
  const isReply = error instanceof Error && error.name === "ReplyError" && !/^(LOADING|BUSY|MASTERDOWN|READONLY|OOM)\b/.test(error.message);
  if (isReply || error instanceof z.ZodError) throw error;
  throw new BusUnavailableError(error);
}

export interface RedisBusOptions {
  /** redis://[user:password@]host:port[/db] */
  url: string;
  /** Unique in the cluster. */
  nodeId: string;
  timing: NodeTiming;
  /** Of every key and channel. */
  prefix?: string;
  logger?: Logger;
}
