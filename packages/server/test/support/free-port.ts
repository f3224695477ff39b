import { createServer } from "node:net";
import type { AddressInfo } from "node:net";

/** A TCP port of 127.0.0.1 free right now (for a child process that must be told its port). */
export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve, reject) => probe.once("error", reject).listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}
