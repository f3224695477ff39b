import { createServer, type ConfigInput, type SwitchboardServer } from "@switchboard/server";
import { afterEach, beforeEach } from "vitest";
import { WebSocket } from "ws";
import { checkedServer } from "../../../server/test/support/frame-check.js";
import { ExponentialBackoff, SignalingClient, type SignalingClientEvents, type SignalingClientOptions } from "@switchboard/client";

export interface RunningServer {
  server: SwitchboardServer;
  port: number;
  wsUrl: string;
}

/** A real server; its `close()` fails if it sent any frame that is not a `ServerMessage`. */
export async function startServer(port = 0, config: ConfigInput = {}): Promise<RunningServer> {
  const server = checkedServer((observers) => createServer({ port, host: "127.0.0.1", logLevel: "silent", ...config }, observers));
  const address = await server.listen();
  return { server, port: address.port, wsUrl: `${address.url.replace(/^http/, "ws")}/ws` };
}

/** Closes the server (it drains with 1012) and starts another on the same port, as a restarted process would. */
export async function restartOnSamePort(running: RunningServer, config: ConfigInput = {}): Promise<RunningServer> {
  await running.server.close();
  return startServer(running.port, config);
}

/** Quick retries so reconnect tests take milliseconds, not seconds. */
export const fastReconnect = new ExponentialBackoff({ initialDelayMs: 20, maxDelayMs: 100 });

/** What `serverPerTest` gives a test file: the server of the current test (a test may replace it, e.g. by a restart), and a pool of clients on it. */
export interface ServerPerTest {
  running: RunningServer;
  readonly pool: ClientPool;
}

/**
 * A fresh server (with `config`) for each test of the calling file, and a pool of SDK clients
 * on it. After each test the pool's clients close, then `cleanUp` runs, then the server closes.
 */
export function serverPerTest(config: ConfigInput = {}, cleanUp?: () => void): ServerPerTest {
  const env: ServerPerTest = { running: undefined as unknown as RunningServer, pool: new ClientPool(() => env.running.wsUrl) };
  beforeEach(async () => {
    env.running = await startServer(0, config);
  });
  afterEach(async () => {
    env.pool.closeAll();
    cleanUp?.();
    await env.running.server.close();
  });
  return env;
}

/** Clients made here are closed by `closeAll()` (call it in afterEach). */
export class ClientPool {
  readonly #clients: SignalingClient[] = [];

  constructor(private readonly url: () => string) {}

  create(options: Partial<SignalingClientOptions> = {}): SignalingClient {
    const client = new SignalingClient({ url: this.url(), WebSocket, reconnect: fastReconnect, ...options });
    this.#clients.push(client);
    return client;
  }

  async loggedIn(name: string): Promise<SignalingClient> {
    const client = this.create();
    await client.login(name);
    return client;
  }

  closeAll(): void {
    for (const client of this.#clients.splice(0)) client.close();
  }
}

type Args<E extends keyof SignalingClientEvents> = Parameters<SignalingClientEvents[E]>;

/** Resolves with the arguments of the next `event` that satisfies `accept`. */
export function nextEvent<E extends keyof SignalingClientEvents>(
  client: SignalingClient,
  event: E,
  accept: (...args: Args<E>) => boolean = () => true,
): Promise<Args<E>> {
  return new Promise((resolve) => {
    const dispose = client.on(event, ((...args: Args<E>) => {
      if (!accept(...args)) return;
      dispose();
      resolve(args);
    }) as SignalingClientEvents[E]);
  });
}

/** Resolves once `condition` holds, re-checking whenever the client emits `event`. */
export async function until(client: SignalingClient, event: keyof SignalingClientEvents, condition: () => boolean): Promise<void> {
  if (condition()) return;
  await new Promise<void>((resolve) => {
    const dispose = client.on(event, () => {
      if (!condition()) return;
      dispose();
      resolve();
    });
  });
}

export const names = (client: SignalingClient) => client.users.map((user) => user.name).sort();
