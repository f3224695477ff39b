import { afterEach } from "vitest";
import type { ConfigInput } from "../../src/index.js";
import type { ServerParts } from "../../src/server.js";
import { startServer, type RunningServer } from "./server.js";
import { TestClient } from "./test-client.js";

/**
 * A server per test and the clients the test opens, all torn down after each test. Reads like
 * the server it wraps: `running.wsUrl`, `running.httpUrl`, `running.port`, `running.server`.
 */
export function useServer(defaults: ConfigInput = {}) {
  let current: RunningServer | undefined;
  const clients: TestClient[] = [];
  const active = (): RunningServer => {
    if (!current) throw new Error("no server: call start() first");
    return current;
  };

  const fixture = {
    /** Starts this test's server; a running one is stopped first. */
    async start(options: ConfigInput = {}, parts: ServerParts = {}): Promise<RunningServer> {
      await fixture.stop();
      current = await startServer({ ...defaults, ...options }, parts);
      return current;
    },
    /** Drains and stops the server now (tests of shutdown); idempotent. */
    async stop(): Promise<void> {
      const stopping = current;
      current = undefined;
      await stopping?.server.close();
    },
    get wsUrl() {
      return active().wsUrl;
    },
    get httpUrl() {
      return active().httpUrl;
    },
    get port() {
      return active().port;
    },
    get server() {
      return active().server;
    },
    /** Closes `client` after the test (abruptly: the server's close cleans up after it). */
    track<Client extends TestClient>(client: Client): Client {
      clients.push(client);
      return client;
    },
    async connect(): Promise<TestClient> {
      return fixture.track(await TestClient.connect(active().wsUrl));
    },
    async legacy(name: string): Promise<TestClient> {
      return fixture.track(await TestClient.legacy(active().wsUrl, name));
    },
    /** Logged in with hello; in `room` if given, else the lobby. */
    async modern(name: string, room?: string): Promise<TestClient> {
      return fixture.track(await TestClient.modern(active().wsUrl, name, room));
    },
  };

  afterEach(async () => {
    for (const client of clients.splice(0)) client.socket.terminate();
    await fixture.stop();
  });
  return fixture;
}
