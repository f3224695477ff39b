import { createServer, connect, type Socket } from "node:net";
import type { AddressInfo } from "node:net";

/**
 * A TCP proxy on 127.0.0.1 in front of a local port, for network faults a browser cannot fake
 * on its own: `cut()` drops every connection through it abruptly (TCP reset, no WebSocket close
 * frame: both ends see 1006, like a dead Wi-Fi), and `refuse()` turns new connections away
 * until `accept()`. A user whose page is opened through the proxy (its `url`) reaches the app
 * and its WebSocket only through it.
 */
export interface TcpProxy {
  /** http://127.0.0.1:<proxy port> */
  readonly url: string;
  cut(): void;
  refuse(): void;
  accept(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(targetPort: number): Promise<TcpProxy> {
  const pairs = new Set<[Socket, Socket]>();
  let refusing = false;
  const server = createServer((client) => {
    if (refusing) return void client.resetAndDestroy();
    const upstream = connect(targetPort, "127.0.0.1");
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    const drop = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    for (const socket of pair) socket.on("error", drop).on("close", drop);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const cutAll = () => {
    for (const [client, upstream] of [...pairs]) {
      client.resetAndDestroy();
      upstream.resetAndDestroy();
    }
  };
  return {
    url: `http://127.0.0.1:${port}`,
    cut: cutAll,
    refuse: () => void (refusing = true),
    accept: () => void (refusing = false),
    close: () =>
      new Promise<void>((resolve) => {
        cutAll();
        server.close(() => resolve());
      }),
  };
}
