// Issue 13, point 3: /readyz says whether new connections belong on this node: 200 while it
// accepts them and (in a cluster) reaches Redis, 503 with the reason otherwise.
import type { Socket } from "node:net";
import { describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { useServer } from "./support/fixture.js";
import { openRaw, parseReply } from "./support/raw-http.js";
import { startRedis } from "./support/redis-server.js";
import { startServer } from "./support/server.js";

const running = useServer();

const readyz = async (url: string) => {
  const response = await fetch(`${url}/readyz`, { headers: { connection: "close" } });
  return { status: response.status, body: (await response.json()) as unknown };
};

/** Everything `socket` receives until it closes. */
function replyOf(socket: Socket): Promise<string> {
  let text = "";
  socket.on("data", (chunk: Buffer) => (text += chunk.toString("latin1")));
  return new Promise((resolve) => socket.once("close", () => resolve(text)));
}

describe("/readyz", () => {
  it("answers 200 ready while the server accepts connections, to anyone, like /healthz", async () => {
    await running.start();
    expect(await readyz(running.httpUrl)).toEqual({ status: 200, body: { status: "ready" } });
    const proxied = await fetch(`${running.httpUrl}/readyz`, { headers: { "X-Forwarded-For": "198.51.100.1" } });
    expect(proxied.status).toBe(200);
    expect((await fetch(`${running.httpUrl}/readyz`, { method: "HEAD" })).status).toBe(200);
    expect((await fetch(`${running.httpUrl}/readyz`, { method: "POST" })).status).toBe(405);
  });

  it("answers 503 draining while the server drains", async () => {
    await running.start({ drainTimeoutMs: 2000 });
    // A client that ignores the close frame keeps the drain waiting.
    const stubborn = new WebSocket(running.wsUrl, "json");
    await new Promise((resolve) => stubborn.once("open", resolve));
    (stubborn as unknown as { _socket: { pause(): void } })._socket.pause();
    // A request under way when the drain starts is answered (idle connections are closed). HTTP/1.0:
    // the body is what comes before the server closes.
    const asking = await openRaw(running.port);
    const reply = replyOf(asking);
    asking.write("GET /readyz HTTP/1.0\r\nHost: 127.0.0.1\r\n");
    // A request answered after that one's start was sent means the server has read that start.
    await fetch(`${running.httpUrl}/healthz`, { headers: { connection: "close" } });
    const closing = running.stop();
    asking.write("\r\n");
    const { status, text } = parseReply(Buffer.from(await reply, "latin1"));
    expect(status).toBe(503);
    expect(JSON.parse(text.slice(text.indexOf("\r\n\r\n") + 4))).toEqual({ status: "draining" });
    stubborn.terminate();
    await closing;
  });

  it("answers 503 degraded in a cluster while Redis is down (and /healthz still 200), ready again once it is back", async () => {
    const redis = await startRedis();
    const node = await startServer({ redisUrl: redis.url, nodeHeartbeatMs: 250, nodeTimeoutMs: 1500 });
    try {
      expect(await readyz(node.httpUrl)).toEqual({ status: 200, body: { status: "ready" } });
      await redis.kill();
      await expect.poll(async () => (await readyz(node.httpUrl)).status, { timeout: 10_000 }).toBe(503);
      expect((await readyz(node.httpUrl)).body).toEqual({ status: "degraded" });
      const health = await fetch(`${node.httpUrl}/healthz`, { headers: { connection: "close" } });
      expect(health.status).toBe(200);
      expect(await health.json()).toMatchObject({ status: "degraded" });
      await redis.restart();
      await expect.poll(async () => (await readyz(node.httpUrl)).status, { timeout: 15_000 }).toBe(200);
    } finally {
      await node.server.close();
      await redis.stop();
    }
  });
});
