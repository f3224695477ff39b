import { Connection } from "./connection.js";
import type { ClientAdapter, Message } from "./adapter.js";
import type { Envelope } from "./frames.js";

const RELAY_TYPES = { candidate: "new-ice-candidate", offer: "video-offer" } as const;

/** The article's message shape (`type` + `target`), shared with the bare relay. */
export const articleEnvelope: Envelope = (to, kind) => [`{"type":"${RELAY_TYPES[kind]}","target":${JSON.stringify(to)},`, "}"];

/**
 * A modern Switchboard client: waits for `id`, says `hello`, logs in and waits for the `ack`.
 * Like the SDK, it then confirms what it received (`ping` with `received`) every
 * `limits.heartbeatIntervalMs` from the `welcome`, so the server can forget confirmed frames.
 */
export const switchboardAdapter: ClientAdapter = {
  server: "switchboard",
  envelope: articleEnvelope,
  broadcast: (text) => JSON.stringify({ type: "message", text }),
  connect: async (baseUrl, name) => (await logIn(baseUrl, name)).connection,
};

/**
 * Logs in as a modern client, into `room` if given (`hello.room`; else the lobby). Resolves at
 * the login's `ack`, with the room the `welcome` named (undefined if it named none).
 */
export async function logIn(baseUrl: string, name: string, room?: string): Promise<{ connection: Connection; welcomeRoom: string | undefined }> {
  const connection = await Connection.open(`${baseUrl}/ws`);
  const hello = JSON.stringify(room === undefined ? { type: "hello", protocol: 1 } : { type: "hello", protocol: 1, room });
  let welcomeRoom: string | undefined;
  await connection.waitFor((message: Message) => {
    if (message.type === "id") {
      connection.send(hello);
      connection.send(JSON.stringify({ type: "username", name, ref: "login" }));
    } else if (message.type === "welcome") {
      if (typeof message.room === "string") welcomeRoom = message.room;
      const interval = (message.limits as { heartbeatIntervalMs?: unknown } | undefined)?.heartbeatIntervalMs;
      if (typeof interval === "number" && interval > 0) connection.every(interval, () => connection.send(confirmation(connection)));
    } else if (message.type === "error") {
      throw new Error(`login of ${name} failed: ${String(message.message)}`);
    }
    return message.type === "ack" && message.ref === "login" ? true : undefined;
  });
  return { connection, welcomeRoom };
}

/** A connection that has its `id` but never logs in: the cost of an open socket and its session. */
export async function connectAnonymous(baseUrl: string): Promise<Connection> {
  const connection = await Connection.open(`${baseUrl}/ws`);
  await connection.waitFor((message) => (message.type === "id" ? true : undefined));
  return connection;
}

/** The `ping` by which a modern client confirms the frames numbered since `welcome` (all but `id` and `welcome`). */
export const confirmation = (connection: Connection) =>
  JSON.stringify({ type: "ping", received: Math.max(0, connection.framesReceived - 2) });
