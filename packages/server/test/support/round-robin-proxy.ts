import { connect, createServer, type AddressInfo, type Socket } from "node:net";

/**
 * A plain TCP load balancer on 127.0.0.1, like a layer-4 proxy in front of a cluster: each new
 * connection goes to the next port of `targets()` in turn, bytes untouched both ways (so HTTP
 * keep-alive and WebSocket upgrades pass as they are, and stay on the node they reached).
 */
export interface RoundRobinProxy {
  readonly port: number;
  /** http://127.0.0.1:<port> */
  readonly url: string;
  /** ws://127.0.0.1:<port>, without a path. */
  readonly wsUrl: string;
  /** Stops listening and cuts every connection through it. */
  close(): Promise<void>;
}

/**
 * `targets` is asked afresh for each connection, so a test can drop a node it killed. A target
 * that refuses is skipped for the next one; with none left the client's socket is destroyed.
 */
export async function startRoundRobinProxy(targets: () => number[]): Promise<RoundRobinProxy> {
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  };
  let turn = 0;

  // Paused until piped: nothing the client sends is read before a target is connected.
  const server = createServer({ pauseOnConnect: true }, (client) => {
    track(client);
    client.on("error", () => undefined); // "close" follows and ends the pair.
    const ports = targets();
    const first = turn++;
    forward(client, ports.map((_, i) => ports[(first + i) % ports.length]!));
  });

  function forward(client: Socket, candidates: number[]): void {
    const port = candidates.shift();
    if (port === undefined || client.destroyed) {
      client.destroy();
      return;
    }
    const upstream = connect(port, "127.0.0.1");
    track(upstream);
    const abandon = () => upstream.destroy();
    client.once("close", abandon);
    const tryNext = () => {
      client.off("close", abandon);
      forward(client, candidates);
    };
    upstream.once("error", tryNext);
    upstream.once("connect", () => {
      upstream.off("error", tryNext);
      upstream.on("error", () => undefined); // "close" follows and ends the pair.
      upstream.once("close", () => client.destroy());
      client.pipe(upstream);
      upstream.pipe(client);
    });
  }

  await new Promise<void>((resolve, reject) => server.once("error", reject).listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}`,
    async close() {
      const closed = new Promise((resolve) => server.close(resolve));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}
