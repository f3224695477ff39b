/**
 * The baseline: the least a WebSocket relay in one Node process can do. A client connects with
 * `?name=...`; a frame with a string `target` is parsed once and passed on unchanged to that
 * client, any other frame goes to everyone. No validation, no stamping, no limits: this is the
 * practical upper bound that Switchboard is measured against, not a server to deploy.
 *
 * Like Switchboard (its transport's `SocketConnection.send`), it batches its writes per
 * event-loop turn: the first send to a socket in a turn corks it, and it is uncorked on
 * `process.nextTick`, so what one incoming chunk produces leaves in one `writev`. The relay
 * ratio then measures Switchboard's own work, not write batching.
 */
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import { WebSocketServer, type RawData, type WebSocket } from "ws";

interface Peer {
  socket: WebSocket;
  /** The TCP socket under `socket`. */
  stream: Duplex;
  corked: boolean;
}

const uncork = (peer: Peer) => {
  peer.corked = false;
  peer.stream.uncork();
};

function send(peer: Peer, data: RawData, binary: boolean): void {
  if (!peer.corked) {
    peer.corked = true;
    peer.stream.cork();
    process.nextTick(uncork, peer);
  }
  peer.socket.send(data, { binary });
}

const peers = new Map<string, Peer>();
const server = new WebSocketServer({
  host: process.env.HOST ?? "127.0.0.1",
  port: Number(process.env.PORT ?? 0),
  perMessageDeflate: false,
  maxPayload: 1 << 20,
});

server.on("connection", (socket, request) => {
  const name = new URL(request.url ?? "/", "http://relay").searchParams.get("name") ?? "";
  const peer: Peer = { socket, stream: request.socket, corked: false };
  peers.set(name, peer);
  socket.on("close", () => {
    if (peers.get(name) === peer) peers.delete(name);
  });
  socket.on("message", (data: RawData, isBinary) => {
    let message: { target?: unknown };
    try {
      message = JSON.parse(data.toString());
    } catch {
      return;
    }
    if (typeof message.target === "string") {
      const target = peers.get(message.target);
      if (target) send(target, data, isBinary);
    } else {
      for (const target of peers.values()) send(target, data, isBinary);
    }
  });
});

server.on("listening", () => {
  const { port } = server.address() as AddressInfo;
  console.log(JSON.stringify({ msg: "bare relay listening", port }));
});
