/**
 * Chat fan-out: one broadcast message to N logged-in users; the time from its send until the
 * last user has it. The servers that can broadcast are measured in turn, message by message.
 */
import { closeAll, connectMany, type ClientAdapter, type Connection } from "../clients/index.js";
import type { RunningServer } from "../servers.js";
import { names, sleep, waitQuiet } from "./common.js";

export class FanOutRoom {
  #marker: Buffer | undefined;
  #received = 0;
  #onAll: (() => void) | undefined;

  private constructor(
    readonly server: RunningServer,
    private readonly adapter: ClientAdapter,
    private readonly connections: Connection[],
  ) {
    for (const connection of connections) {
      connection.onFrame = (data) => {
        if (this.#marker && data.includes(this.#marker) && ++this.#received === connections.length) this.#onAll?.();
      };
    }
  }

  static async open(server: RunningServer, adapter: ClientAdapter, users: number): Promise<FanOutRoom> {
    const connections = await connectMany(adapter, server.url, names(users, "f"), 64);
    await waitQuiet(connections);
    return new FanOutRoom(server, adapter, connections);
  }

  /** Sends one broadcast from the first user; resolves with the ms until all users received it (NaN on timeout). */
  async broadcast(label: string, timeoutMs = 10_000): Promise<number> {
    const text = `fan-out ${label} ${"x".repeat(64)}`;
    this.#marker = Buffer.from(`fan-out ${label} `);
    this.#received = 0;
    const all = new Promise<void>((resolve) => (this.#onAll = resolve));
    const start = performance.now();
    this.connections[0]!.send(this.adapter.broadcast!(text));
    const ms = await Promise.race([all.then(() => performance.now() - start), sleep(timeoutMs).then(() => Number.NaN)]);
    this.#marker = undefined;
    return ms;
  }

  close(): Promise<void> {
    return closeAll(this.connections);
  }
}
