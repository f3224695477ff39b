import { createServer, type ConfigInput, type SwitchboardServer } from "@switchboard/server";
import { ensureAppBuilt } from "./build-app.js";

export interface RunningServer {
  server: SwitchboardServer;
  /** http://127.0.0.1:<port> */
  url: string;
  close(): Promise<void>;
}

/**
 * A fresh server on a free port, serving the built app. One per test file. `overrides` change
 * its settings (e.g. `port` to restart on the same one, TURN settings).
 */
export async function startServer(overrides: ConfigInput = {}): Promise<RunningServer> {
  const staticDir = await ensureAppBuilt();
  const server = createServer({ port: 0, host: "127.0.0.1", logLevel: "silent", staticDir, presenceIntervalMs: 20, ...overrides });
  const { url } = await server.listen();
  return { server, url, close: () => server.close() };
}
