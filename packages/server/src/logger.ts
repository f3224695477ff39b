import { pino, type Logger } from "pino";
import type { Config } from "./config.js";

export type { Logger };

/** JSON logs on stdout. Per-message logging is at debug level only: it costs throughput. */
export function createLogger(config: Pick<Config, "logLevel">): Logger {
  return pino({ level: config.logLevel, base: { service: "switchboard" } });
}
