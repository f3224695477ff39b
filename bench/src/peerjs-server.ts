/** Child entry point: the PeerJS server (npm `peer`) with its defaults, on 127.0.0.1:$PORT. */
import type { AddressInfo } from "node:net";
import { PeerServer } from "peer";

PeerServer(
  {
    host: process.env.HOST ?? "127.0.0.1",
    port: Number(process.env.PORT ?? 0),
    path: "/",
    // Defaults cap clients at 5000 and drop clients silent for 90 s; the bench sends no heartbeats.
    concurrent_limit: 1_000_000,
    alive_timeout: 3_600_000,
  },
  (server) => {
    const { port } = server.address() as AddressInfo;
    console.log(JSON.stringify({ msg: "peerjs listening", port }));
  },
);
