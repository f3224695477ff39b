/**
 * The baseline: the least a WebSocket relay in one Node process can do. A client connects with
 * `?name=...`; a frame with a string `target` is parsed once and passed on unchanged to that
 * client, any other frame goes to everyone. No validation, no stamping, no limits: this is the
 * practical upper bound that Switchboard is measured against, not a server to deploy.
 */
import type { AddressInfo } from "node:net";
import { WebSocketServer, type RawData, type WebSocket } from "ws";

const peers = new Map<string, WebSocket>();
const server = new WebSocketServer({
  host: process.env.HOST ?? "127.0.0.1",
  port: Number(process.env.PORT ?? 0),
  perMessageDeflate: false,
  maxPayload: 1 << 20,
});

server.on("connection", (socket, request) => {
  const name = new URL(request.url ?? "/", "http://relay").searchParams.get("name") ?? "";
  peers.set(name, socket);
  socket.on("close", () => {
    if (peers.get(name) === socket) peers.delete(name);
  });
  socket.on("message", (data: RawData, isBinary) => {
    let message: { target?: unknown };
    try {
      message = JSON.parse(data.toString());
    } catch {
      return;
    }
    if (typeof message.target === "string") peers.get(message.target)?.send(data, { binary: isBinary });
    else for (const peer of peers.values()) peer.send(data, { binary: isBinary });
  });
});

server.on("listening", () => {
  const { port } = server.address() as AddressInfo;
  console.log(JSON.stringify({ msg: "bare relay listening", port }));
});
