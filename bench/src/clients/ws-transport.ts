/** The same transport on the `ws` client, to check that the raw one changes nothing but cost. */
import WebSocket from "ws";
import type { Transport, TransportEvents } from "./raw-transport.js";

/** Client frames are masked with a zero key, as in the raw transport. */
const zeroMask = (mask: Buffer) => mask.fill(0);

export function openWs(url: string, events: TransportEvents, timeoutMs: number): Promise<Transport> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { perMessageDeflate: false, generateMask: zeroMask, handshakeTimeout: timeoutMs });
    socket.binaryType = "nodebuffer";
    const closed = new Promise<void>((resolveClose) => socket.once("close", () => resolveClose()));
    socket.on("message", (data: Buffer) => events.frame(data));
    socket.once("close", () => events.close());
    socket.on("error", () => {}); // reported by `close` (or by the rejection below)
    socket.once("error", reject);
    socket.once("open", () =>
      resolve({
        send: (frame) => socket.send(frame, { binary: false }),
        get buffered() {
          return socket.bufferedAmount;
        },
        close: () => (socket.close(1000), closed),
        terminate: () => (socket.terminate(), closed),
      }),
    );
  });
}
