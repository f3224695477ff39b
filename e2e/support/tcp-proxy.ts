import { createServer, connect, type Socket } from "node:net";
import type { AddressInfo } from "node:net";
import { createClientFrameReader, OPCODE_CLOSE, OPCODE_TEXT } from "./ws-frames.js";

/**
 * A TCP proxy on 127.0.0.1 in front of a local port, for network faults a browser cannot fake
 * on its own: `cut()` drops every connection through it abruptly (TCP reset, no WebSocket close
 * frame: both ends see 1006, like a dead Wi-Fi), and `refuse()` turns new connections away
 * until `accept()`. A user whose page is opened through the proxy (its `url`) reaches the app
 * and its WebSocket only through it, so the proxy also sees the moment that user leaves
 * (`clientLeaving()`), however long the browser then takes to tear the page down.
 */
export interface TcpProxy {
  /** http://127.0.0.1:<proxy port> */
  readonly url: string;
  cut(): void;
  refuse(): void;
  accept(): void;
  /**
   * Resolves at the first sign, from now on, that a client of a WebSocket through the proxy is
   * going: a text message `saysLeaving` picks (e.g. a `group-leave`), its close frame, or its
   * connection ending, whichever comes first. `at` is `Date.now()` as those bytes arrived, before
   * they went on to the server: the moment the server could first learn it.
   */
  clientLeaving(saysLeaving: (text: string) => boolean): Promise<LeavingSign>;
  close(): Promise<void>;
}

export interface LeavingSign {
  at: number;
  by: "message" | "close-frame" | "end";
}

export async function startTcpProxy(targetPort: number): Promise<TcpProxy> {
  const pairs = new Set<[Socket, Socket]>();
  const leaveWatchers = new Set<{ saysLeaving: (text: string) => boolean; resolve: (sign: LeavingSign) => void }>();
  const leaving = (sign: LeavingSign, text?: string) => {
    for (const watcher of leaveWatchers) {
      if (text !== undefined && !watcher.saysLeaving(text)) continue;
      leaveWatchers.delete(watcher);
      watcher.resolve(sign);
    }
  };
  let refusing = false;
  const server = createServer((client) => {
    if (refusing) return void client.resetAndDestroy();
    const upstream = connect(targetPort, "127.0.0.1");
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    let arrivedAt = 0;
    const frames = createClientFrameReader(({ opcode, payload }) => {
      if (opcode === OPCODE_TEXT) leaving({ at: arrivedAt, by: "message" }, payload.toString("utf8"));
      if (opcode === OPCODE_CLOSE) leaving({ at: arrivedAt, by: "close-frame" });
    });
    let webSocket: boolean | null = null;
    // Before the pipe's listener: the bytes are seen before they go on to the server.
    client.on("data", (chunk: Buffer) => {
      arrivedAt = Date.now();
      webSocket = frames.push(chunk);
    });
    const drop = () => {
      if (!pairs.delete(pair)) return;
      client.destroy();
      upstream.destroy();
      if (webSocket) leaving({ at: Date.now(), by: "end" });
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
    clientLeaving: (saysLeaving) => new Promise((resolve) => leaveWatchers.add({ saysLeaving, resolve })),
    close: () =>
      new Promise<void>((resolve) => {
        cutAll();
        server.close(() => resolve());
      }),
  };
}
