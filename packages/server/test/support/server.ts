import { createServer, type ConfigInput, type SwitchboardServer } from "../../src/index.js";
import { FrameCheck } from "./frame-check.js";

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
export async function startServer(options: ConfigInput = {}): Promise<RunningServer> {
  const frames = new FrameCheck();
  const server = createServer({ port: 0, host: "127.0.0.1", logLevel: "silent", ...options }, { frameSent: frames.observe });
  const close = server.close.bind(server);
  server.close = async () => {
    await close();
    frames.assertNone();
  };
  const { port } = await server.listen();
  return { server, port, wsUrl: `ws://127.0.0.1:${port}/ws`, httpUrl: `http://127.0.0.1:${port}` };
}
