import type { ServerKind } from "../servers.js";
import type { Connection, FrameHandler } from "./connection.js";
import type { Envelope } from "./frames.js";

export type Message = Record<string, unknown>;

/** How the generator speaks one server's protocol: everything else is shared. */
export interface ClientAdapter {
  readonly server: ServerKind;
  /**
   * Connects as `name` to the server at `baseUrl` (ws://host:port) and resolves once the server
   * routes to that name. Frames received during the login are kept for the connection's handler.
   */
  connect(baseUrl: string, name: string): Promise<Connection>;
  /** The envelope of a targeted frame. */
  readonly envelope: Envelope;
  /** A frame that reaches every user (chat), or undefined if the server cannot broadcast. */
  broadcast?(text: string): string;
}

/**
 * Connects `names` with at most `concurrency` handshakes in flight (a storm that the listen
 * backlog survives), name i to `baseUrl`, or to `baseUrl(i)` (a cluster's node for that user).
 */
export async function connectMany(
  adapter: ClientAdapter,
  baseUrl: string | ((index: number) => string),
  names: readonly string[],
  concurrency: number,
  /** Installed as each connection's frame handler as soon as it is logged in. */
  handlerFor?: (index: number) => FrameHandler,
): Promise<Connection[]> {
  const connections = new Array<Connection>(names.length);
  let next = 0;
  const worker = async () => {
    while (next < names.length) {
      const index = next++;
      const connection = await adapter.connect(typeof baseUrl === "string" ? baseUrl : baseUrl(index), names[index]!);
      if (handlerFor) connection.onFrame = handlerFor(index);
      connections[index] = connection;
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, names.length) }, worker));
  return connections;
}

/** Closes normally, so that no server keeps a session around for a reconnect. */
export async function closeAll(connections: readonly (Connection | undefined)[]): Promise<void> {
  await Promise.all(connections.map((connection) => connection?.close()));
}
