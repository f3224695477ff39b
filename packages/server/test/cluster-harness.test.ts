// The cluster tests' harness itself: a real redis-server, the round-robin TCP proxy, and server
// nodes as real processes. The cluster's own tests (with REDIS_URL) build on these.
import { connect, createServer, type AddressInfo, type Server } from "node:net";
import { Redis } from "ioredis";
import { afterEach, describe, expect, it } from "vitest";
import { startNode } from "./support/cluster-nodes.js";
import { startRedis } from "./support/redis-server.js";
import { startRoundRobinProxy } from "./support/round-robin-proxy.js";
import { TestClient } from "./support/test-client.js";

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function redis(options?: { persist?: boolean }) {
  const server = await startRedis(options);
  cleanups.push(() => server.stop());
  return server;
}

/** A long-lived client, as a node has: it reconnects after a restart; a command it waits on too long fails. */
function client(url: string, commandTimeout = 2_000): Redis {
  const connection = new Redis(url, { commandTimeout, retryStrategy: () => 50 });
  connection.on("error", () => undefined);
  cleanups.push(async () => connection.disconnect());
  return connection;
}

describe("startRedis", () => {
  it("starts a redis-server that answers, and stop() ends it", async () => {
    const server = await startRedis();
    expect(server.url).toBe(`redis://127.0.0.1:${server.port}`);
    const probe = new Redis(server.url, { lazyConnect: true, retryStrategy: () => null });
    probe.on("error", () => undefined);
    await probe.connect();
    expect(await probe.ping()).toBe("PONG");
    probe.disconnect();
    await server.stop();
    await expect(refused(server.port)).resolves.toBe(true);
    await server.stop(); // twice is fine
  });

  it("restart() keeps the port; without persist the data is gone", async () => {
    const server = await redis();
    const port = server.port;
    const connection = client(server.url);
    await connection.set("k", "v");
    await server.restart();
    expect(server.port).toBe(port);
    expect(await connection.get("k")).toBeNull();
  });

  it("with persist, data survives restart() and kill() + restart()", async () => {
    const server = await redis({ persist: true });
    const connection = client(server.url);
    await connection.set("k", "v");
    await server.restart();
    expect(await connection.get("k")).toBe("v");
    await connection.set("k", "w");
    await server.kill();
    await expect(refused(server.port)).resolves.toBe(true);
    await server.restart();
    expect(await connection.get("k")).toBe("w");
  });

  it("pause() makes PING time out and resume() brings it back", async () => {
    const server = await redis();
    const connection = client(server.url, 300);
    expect(await connection.ping()).toBe("PONG");
    server.pause();
    await expect(connection.ping()).rejects.toThrow(/timed out/i);
    server.resume();
    expect(await connection.ping()).toBe("PONG");
  });

  it("pause(ms) resumes by itself", async () => {
    const server = await redis();
    const connection = client(server.url);
    await connection.ping();
    server.pause(300);
    const started = Date.now();
    expect(await connection.ping()).toBe("PONG");
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
  });

  it("commandStats() counts calls per command; flushAll() empties it", async () => {
    const server = await redis();
    const connection = client(server.url);
    await connection.set("counter", "0");
    const before = await server.commandStats();
    for (let i = 0; i < 3; i++) await connection.incr("counter");
    await connection.publish("channel", "hello");
    const after = await server.commandStats();
    expect((after.incr ?? 0) - (before.incr ?? 0)).toBe(3);
    expect(after.publish).toBe(1);
    await server.flushAll();
    expect(await connection.dbsize()).toBe(0);
  });
});

describe("startRoundRobinProxy", () => {
  it("sends each new connection to the next target in turn", async () => {
    const a = await echoServer("a");
    const b = await echoServer("b");
    const proxy = await startRoundRobinProxy(() => [a.port, b.port]);
    cleanups.push(() => proxy.close());
    const replies = [];
    for (let i = 0; i < 4; i++) replies.push(await exchange(proxy.port, "hi"));
    expect(replies).toEqual(["a:hi", "b:hi", "a:hi", "b:hi"]);
  });

  it("skips a target that refuses, and drops the client when none is left", async () => {
    const a = await echoServer("a");
    const dead = await echoServer("dead");
    await new Promise((resolve) => dead.server.close(resolve));
    let ports = [dead.port, a.port];
    const proxy = await startRoundRobinProxy(() => ports);
    cleanups.push(() => proxy.close());
    expect([await exchange(proxy.port, "1"), await exchange(proxy.port, "2")]).toEqual(["a:1", "a:2"]);
    ports = [];
    expect(await exchange(proxy.port, "3")).toBe("");
  });
});

describe("startNode", () => {
  it("runs the built CLI as a process whose /healthz and WebSocket answer through the proxy", async () => {
    const node = await startNode();
    cleanups.push(() => node.kill());
    expect(node.url).toBe(`http://127.0.0.1:${node.port}`);
    expect(node.pid).toBeGreaterThan(0);
    const proxy = await startRoundRobinProxy(() => [node.port]);
    cleanups.push(() => proxy.close());
    expect((await fetch(`${proxy.url}/healthz`)).status).toBe(200);
    const naomi = await TestClient.modern(`${proxy.wsUrl}/ws`, "Naomi");
    expect(naomi.name).toBe("Naomi");
    await naomi.close();
    expect(node.logs()).toContain("switchboard listening");
    expect(await node.term()).toBe(0);
  });

  it("kill() resolves once the process has exited", async () => {
    const node = await startNode();
    await node.kill();
    expect(await node.exited).toBeNull();
    await expect(refused(node.port)).resolves.toBe(true);
  });
});

/** A TCP server that answers `<name>:<what it received>` and closes. */
async function echoServer(name: string): Promise<{ server: Server; port: number }> {
  const server = createServer((socket) => socket.once("data", (data) => socket.end(`${name}:${data}`)));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  cleanups.push(() => new Promise((resolve) => server.close(resolve)));
  return { server, port: (server.address() as AddressInfo).port };
}

/** Sends `text` and returns everything received until the connection closes (or is reset). */
function exchange(port: number, text: string): Promise<string> {
  return new Promise((resolve) => {
    let received = "";
    const socket = connect(port, "127.0.0.1", () => socket.write(text));
    socket.on("data", (chunk) => (received += String(chunk)));
    socket.on("error", () => undefined); // A dropped client may see a reset: "close" follows.
    socket.once("close", () => resolve(received));
  });
}

function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(false);
    });
    socket.once("error", () => resolve(true));
  });
}
