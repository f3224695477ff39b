/**
 * Server memory per idle connection: a fresh server's RSS and heap (after a full GC) before
 * and after C clients connect and go quiet, divided by C. Switchboard is measured with
 * connections that have their `id` but never log in, and, at one size, with logged-in users
 * (whose presence adds names and snapshots).
 */
import { ADAPTERS, closeAll, connectMany, type Connection } from "../clients/index.js";
import { confirmation, connectAnonymous } from "../clients/switchboard.js";
import { startServer, type ServerKind, type ServerSetup } from "../servers.js";
import { names, sleep, waitQuiet } from "./common.js";

export type IdleMode = "connected" | "logged-in";

export interface IdleRun {
  server: ServerKind;
  mode: IdleMode;
  connections: number;
  rssBytesPerConnection: number;
  heapBytesPerConnection: number;
  /** V8 heap committed (used or not), and per heap space, after minus before, per connection. */
  heapCommittedBytesPerConnection: number;
  spaces: Record<string, { size: number; used: number }>;
  serverNofile: number;
  connectMs: number;
  /** Measured on the `--baseline` build. */
  baseline?: boolean;
}

export async function runIdleMemory(kind: ServerKind, mode: IdleMode, count: number, setup: ServerSetup): Promise<IdleRun> {
  const server = await startServer(kind, setup);
  let connections: Connection[] = [];
  try {
    await sleep(300);
    const before = await server.stats(true);
    const start = performance.now();
    const userNames = names(count, "i");
    if (kind === "switchboard" && mode === "connected") {
      connections = await connectMany(
        { ...ADAPTERS.switchboard, connect: (baseUrl) => connectAnonymous(baseUrl) },
        server.url,
        userNames,
        128,
        () => () => {},
      );
    } else {
      connections = await connectMany(ADAPTERS[kind], server.url, userNames, 128, () => () => {});
    }
    const connectMs = performance.now() - start;
    await waitQuiet(connections, 500, 30_000);
    if (kind === "switchboard" && mode === "logged-in") {
      // As a modern client's heartbeat would: confirm what arrived, so the resume buffer is freed.
      for (const connection of connections) connection.send(confirmation(connection));
      await waitQuiet(connections, 500, 30_000);
    }
    const after = await server.stats(true);
    return {
      server: kind,
      mode,
      connections: count,
      rssBytesPerConnection: (after.rss - before.rss) / count,
      heapBytesPerConnection: (after.heapUsed - before.heapUsed) / count,
      heapCommittedBytesPerConnection: (after.heapTotal - before.heapTotal) / count,
      spaces: Object.fromEntries(
        Object.entries(after.spaces ?? {}).map(([name, space]) => {
          const old = before.spaces?.[name] ?? { size: 0, used: 0 };
          return [name, { size: (space.size - old.size) / count, used: (space.used - old.used) / count }];
        }),
      ),
      serverNofile: server.nofileLimit(),
      connectMs,
    };
  } finally {
    await server.stop();
    await closeAll(connections);
  }
}
