// Issue 9, point 6: slow and unfinished clients are bounded. Half-sent requests time out; plain
// HTTP connections are capped per address and in all; the bytes held for unfinished WebSocket
// messages are bounded per connection and across connections; and /healthz, asked from another
// loopback address, answers under all of it.
import type { Socket } from "node:net";
import { CLOSE_CODES } from "@switchboard/protocol";
import { describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { TestClient } from "./support/test-client.js";
import { useServer } from "./support/fixture.js";
import { getFrom, metricValue, openRaw, rawExchange, timedGet } from "./support/raw-http.js";

const running = useServer();
/** Another loopback address than the load's: per-address limits do not see it as the attacker. */
const BYSTANDER = "127.0.0.2";

const metric = async (name: string) => metricValue((await getFrom(running.port, "/metrics", BYSTANDER)).text, name);
const closed = (socket: Socket) => new Promise<void>((resolve) => (socket.closed ? resolve() : socket.once("close", () => resolve())));
const countClosed = (sockets: Socket[]) => sockets.filter((socket) => socket.closed).length;

/** Sends `bytes` of one text message in fragments and leaves it unfinished. */
async function holdUnfinished(socket: WebSocket, bytes: number, fragment = 64 * 1024): Promise<void> {
  for (let sent = 0; sent < bytes; sent += fragment) {
    await new Promise<void>((resolve, reject) => socket.send("a".repeat(Math.min(fragment, bytes - sent)), { fin: false }, (error) => (error ? reject(error) : resolve())));
  }
}

const opened = (url: string) =>
  new Promise<WebSocket>((resolve, reject) => {
    const socket = new WebSocket(url, "json");
    socket.once("open", () => resolve(socket));
    socket.once("error", reject);
  });
const closeCode = (socket: WebSocket) =>
  new Promise<number>((resolve) => (socket.readyState === WebSocket.CLOSED ? resolve(1006) : socket.once("close", (code) => resolve(code))));

describe("half-sent HTTP requests", () => {
  it("are answered 408 and closed once HTTP_HEADERS_TIMEOUT_MS has passed", async () => {
    await running.start({ httpHeadersTimeoutMs: 500, httpRequestTimeoutMs: 1000 });
    const socket = await openRaw(running.port);
    socket.write("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ");
    // Dripping a byte now and then does not reset the clock.
    const drip = setInterval(() => socket.writable && socket.write("a"), 100);
    let reply = "";
    socket.on("data", (chunk) => (reply += chunk.toString()));
    socket.on("error", () => {});
    await closed(socket);
    clearInterval(drip);
    expect(reply).toMatch(/^HTTP\/1\.1 408 /);
    expect(await metric('http_client_errors_total{status="408"}')).toBe(1);
  });

  it("a silent connection is closed by the same timeout", async () => {
    await running.start({ httpHeadersTimeoutMs: 500, httpRequestTimeoutMs: 1000 });
    await closed(await openRaw(running.port));
  });
});

describe("connection caps", () => {
  it("refuses plain HTTP connections past MAX_HTTP_CONNECTIONS_PER_IP, and other addresses are served", async () => {
    await running.start({ maxHttpConnectionsPerIp: 5 });
    const sockets = await Promise.all(Array.from({ length: 12 }, () => openRaw(running.port)));
    for (const socket of sockets) socket.on("error", () => {});
    await expect.poll(() => countClosed(sockets)).toBe(7);
    expect((await getFrom(running.port, "/healthz", BYSTANDER)).status).toBe(200);
    expect(await metric("http_connections_refused_ip_total")).toBe(7);
    expect(await metric("http_connections")).toBe(5 + 1); // the five, and the metrics request itself
    for (const socket of sockets) socket.destroy();
    await expect.poll(async () => (await metric("http_connections")) <= 1).toBe(true);
    // An upgraded connection no longer counts as plain HTTP: more than five WebSockets get in.
    const client = running.track(await TestClient.modern(running.wsUrl, "After"));
    for (let i = 0; i < 6; i++) running.track(await TestClient.connect(running.wsUrl));
    expect(client.socket.readyState).toBe(WebSocket.OPEN);
  });

  it("drops connections past MAX_CONNECTIONS before reading them", async () => {
    await running.start({ maxConnections: 5 });
    const sockets = await Promise.all(Array.from({ length: 8 }, () => openRaw(running.port)));
    for (const socket of sockets) socket.on("error", () => {});
    await expect.poll(() => countClosed(sockets)).toBe(3);
    for (const socket of sockets) socket.destroy();
    await expect.poll(async () => (await getFrom(running.port, "/healthz", BYSTANDER).catch(() => ({ status: 0 }))).status).toBe(200);
    // The three, and maybe a health check that came before the server saw the others close.
    expect(await metric("connections_dropped_total")).toBeGreaterThanOrEqual(3);
  });
});

describe("unfinished WebSocket messages", () => {
  it("close a connection whose fragments add up past HARD_MAX_MESSAGE_BYTES with 1009", async () => {
    await running.start({ maxMessageBytes: 16 * 1024, hardMaxMessageBytes: 64 * 1024 });
    const socket = await opened(running.wsUrl);
    const code = closeCode(socket);
    await holdUnfinished(socket, 96 * 1024, 8 * 1024).catch(() => {});
    expect(await code).toBe(CLOSE_CODES.messageTooBig);
  });

  it("are bounded across connections by MAX_UNFINISHED_MESSAGE_BYTES: the largest holder is closed with 1013 and its bytes freed", async () => {
    const budget = 1024 * 1024;
    await running.start({ hardMaxMessageBytes: budget, maxUnfinishedMessageBytes: budget });
    const witness = running.track(await TestClient.modern(running.wsUrl, "Witness"));
    const holders = await Promise.all(Array.from({ length: 4 }, () => opened(running.wsUrl)));
    const codes = holders.map(closeCode);
    await holdUnfinished(holders[0]!, 700 * 1024);
    await expect.poll(() => metric("unfinished_message_bytes")).toBeGreaterThan(600 * 1024);
    for (const holder of holders.slice(1)) await holdUnfinished(holder, 300 * 1024).catch(() => {});
    // 700 + 3 x 300 KiB would be 1.6 MiB: the 700 KiB one goes, the others stay.
    expect(await codes[0]).toBe(CLOSE_CODES.tryAgainLater);
    expect(await metric("unfinished_messages_cut_total")).toBe(1);
    expect(await metric("unfinished_message_bytes")).toBeLessThanOrEqual(budget);
    expect(holders.slice(1).map((holder) => holder.readyState)).toEqual([WebSocket.OPEN, WebSocket.OPEN, WebSocket.OPEN]);
    // Others carry on, and finishing a message gives its bytes back.
    witness.send({ type: "message", text: "still here" });
    await witness.next("message", (m) => m.text === "still here");
    const held = await metric("unfinished_message_bytes");
    holders[1]!.send("a", { fin: true });
    await expect.poll(() => metric("unfinished_message_bytes")).toBeLessThan(held - 300 * 1024);
    for (const holder of holders) holder.terminate();
    await expect.poll(() => metric("unfinished_message_bytes")).toBe(0);
  });
});

describe("under load from slow and unfinished clients", () => {
  it("/healthz from another address answers promptly while 250 slowloris sockets and 40 half-sent messages hold on", { timeout: 60_000 }, async () => {
    const budget = 8 * 1024 * 1024;
    // Default timeouts (10 s for a request head) and per-address caps; a smaller message budget.
    await running.start({ hardMaxMessageBytes: 1024 * 1024, maxUnfinishedMessageBytes: budget });
    const slowloris = await Promise.all(Array.from({ length: 250 }, () => openRaw(running.port)));
    for (const socket of slowloris) {
      socket.on("error", () => {});
      if (socket.writable) socket.write("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ");
    }
    const drip = setInterval(() => slowloris.forEach((socket) => socket.writable && socket.write("a")), 1000);
    // From a third address, so that the slowloris sockets' cap does not stop them.
    const holders = await Promise.all(
      Array.from({ length: 40 }, () => new Promise<WebSocket>((resolve, reject) => {
        const socket = new WebSocket(running.wsUrl, "json", { localAddress: "127.0.0.3" });
        socket.once("open", () => resolve(socket));
        socket.once("error", reject);
      })),
    );
    await Promise.all(holders.map((holder) => holdUnfinished(holder, 512 * 1024).catch(() => {})));
    try {
      const latencies: number[] = [];
      for (let i = 0; i < 20; i++) {
        const { status, ms } = await timedGet(running.port, "/healthz", BYSTANDER);
        expect(status).toBe(200);
        latencies.push(ms);
      }
      latencies.sort((a, b) => a - b);
      console.log(`/healthz under load: median ${latencies[10]!.toFixed(1)} ms, max ${latencies.at(-1)!.toFixed(1)} ms`);
      expect(await metric("http_connections_refused_ip_total")).toBeGreaterThanOrEqual(250 - 32);
      expect(await metric("unfinished_message_bytes")).toBeLessThanOrEqual(budget);
      expect(await metric("unfinished_messages_cut_total")).toBeGreaterThanOrEqual(40 - budget / (512 * 1024));
    } finally {
      clearInterval(drip);
      for (const socket of slowloris) socket.destroy();
      for (const holder of holders) holder.terminate();
    }
  });
});
