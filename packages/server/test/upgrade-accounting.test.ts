// Issue 9, point 5: connection accounting cannot leak. Each way an upgrade can fail gives back
// the per-address place it took: more failed upgrades than the limit allows, from one address,
// and a good connection still gets in.
import { describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { TestClient } from "./support/test-client.js";
import { useServer } from "./support/fixture.js";
import { openRaw, rawExchange, upgradeRequest } from "./support/raw-http.js";

const running = useServer();
const LIMIT = 3;
const ATTEMPTS = 3 * LIMIT;

/** An upgrade that fails one way; resolves once the server has answered or the socket is gone. */
const failures: [string, (port: number) => Promise<unknown>][] = [
  ["a bad Sec-WebSocket-Key", (port) => rawExchange(port, upgradeRequest({ headers: { "sec-websocket-key": "short" } }))],
  ["no Sec-WebSocket-Key", (port) => rawExchange(port, upgradeRequest({ headers: { "sec-websocket-key": undefined } }))],
  ["a bad Sec-WebSocket-Version", (port) => rawExchange(port, upgradeRequest({ headers: { "sec-websocket-version": "7" } }))],
  ["no Sec-WebSocket-Version", (port) => rawExchange(port, upgradeRequest({ headers: { "sec-websocket-version": undefined } }))],
  ["an Upgrade other than websocket", (port) => rawExchange(port, upgradeRequest({ headers: { upgrade: "h2c" } }))],
  ["a POST", (port) => rawExchange(port, upgradeRequest({ method: "POST" }))],
  ["a malformed Sec-WebSocket-Protocol", (port) => rawExchange(port, upgradeRequest({ headers: { "sec-websocket-protocol": "json,,{" } }))],
  ["a refused Origin", (port) => rawExchange(port, upgradeRequest({ headers: { origin: "https://evil.example" } }))],
  ["a path that is not a WebSocket's", (port) => rawExchange(port, upgradeRequest({ target: "/elsewhere" }))],
  ["a target URL() cannot parse", (port) => rawExchange(port, upgradeRequest({ target: "//" }))],
  ["the client resetting during the handshake", async (port) => {
    const socket = await openRaw(port);
    socket.write(upgradeRequest());
    socket.resetAndDestroy();
    await new Promise((resolve) => socket.once("close", resolve));
  }],
  ["the client vanishing right after the handshake", async (port) => {
    const socket = new WebSocket(`ws://127.0.0.1:${port}/ws`);
    await new Promise((resolve) => socket.once("open", resolve));
    socket.terminate();
    await new Promise((resolve) => socket.once("close", resolve));
  }],
];

describe("per-address places after failed upgrades", () => {
  it.each(failures)("are all given back after %s", async (_, fail) => {
    await running.start({ maxConnectionsPerIp: LIMIT, allowedOrigins: "https://chat.example.org" });
    for (let i = 0; i < ATTEMPTS; i++) await fail(running.port);
    // Places are given back when the server sees each socket close: that may trail the client.
    await expect
      .poll(async () => {
        const clients = await Promise.all(Array.from({ length: LIMIT }, () => TestClient.connect(running.wsUrl).catch(() => undefined)));
        for (const client of clients) client?.socket.terminate();
        return clients.every(Boolean);
      }, { timeout: 5000 })
      .toBe(true);
    const client = running.track(await TestClient.modern(running.wsUrl, "StillWelcome"));
    expect(client.name).toBe("StillWelcome");
  });

  it("still refuses past the limit while the places are held", async () => {
    await running.start({ maxConnectionsPerIp: LIMIT });
    for (let i = 0; i < LIMIT; i++) await running.connect();
    expect((await rawExchange(running.port, upgradeRequest())).status).toBe(429);
  });
});
