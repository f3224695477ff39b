import { createServer, type ConfigInput, type SwitchboardServer } from "../../src/index.js";
import type { ServerParts } from "../../src/server.js";
import { checkedServer } from "./frame-check.js";

export interface RunningServer {
  server: SwitchboardServer;
  port: number;
  /** ws://127.0.0.1:PORT/ws */
  wsUrl: string;
  httpUrl: string;
}

/**
 * A real server on a free port of 127.0.0.1. Call `server.close()` when done: it fails if the
 * server sent any frame that is not a `ServerMessage`.
 */
export async function startServer(options: ConfigInput = {}, parts: ServerParts = {}): Promise<RunningServer> {
  const server = checkedServer((observers) => createServer({ port: 0, host: "127.0.0.1", logLevel: "silent", ...options }, observers, parts));
  const { port } = await server.listen();
  return { server, port, wsUrl: `ws://127.0.0.1:${port}/ws`, httpUrl: `http://127.0.0.1:${port}` };
}
