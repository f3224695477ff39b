import { EventEmitter } from "node:events";
import { describe, expect, it } from "vitest";
import { ConnectionLimits } from "./connection-limits.js";
import { SocketCounter } from "./socket-counter.js";

class FakeSocket extends EventEmitter {
  closed = false;
  close(): void {
    this.closed = true;
    this.emit("close");
  }
}

describe("SocketCounter", () => {
  it("counts per key up to the limit", () => {
    const counter = new SocketCounter(2);
    counter.add("x");
    expect(counter.isFull("x")).toBe(false);
    counter.add("x");
    expect([counter.isFull("x"), counter.isFull("y"), counter.total]).toEqual([true, false, 2]);
    counter.release("x");
    expect([counter.count("x"), counter.isFull("x"), counter.total]).toEqual([1, false, 1]);
  });

  it("never fills without a limit", () => {
    const counter = new SocketCounter(0);
    for (let i = 0; i < 5; i++) counter.add("x");
    expect(counter.isFull("x")).toBe(false);
  });
});

describe("ConnectionLimits", () => {
  it("caps plain HTTP per peer, and an upgraded connection stops counting as HTTP", () => {
    const limits = new ConnectionLimits({ maxHttpConnectionsPerIp: 2, maxConnectionsPerIp: 10 });
    const [a, b, c] = [new FakeSocket(), new FakeSocket(), new FakeSocket()];
    expect(limits.admitConnection("198.51.100.1", a, false)).toBe(true);
    expect(limits.admitConnection("198.51.100.1", b, false)).toBe(true);
    expect(limits.admitConnection("198.51.100.1", c, false)).toBe(false);
    expect(limits.admitWebSocket("198.51.100.1", "198.51.100.1", a)).toBe(true);
    expect(limits.httpConnections).toBe(1);
    expect(limits.admitConnection("198.51.100.1", c, false)).toBe(true);
    a.close();
    expect([limits.httpConnections, limits.webSockets]).toEqual([2, 0]);
  });

  it("does not cap a trusted proxy's connections, and caps WebSockets by client", () => {
    const limits = new ConnectionLimits({ maxHttpConnectionsPerIp: 1, maxConnectionsPerIp: 1 });
    const sockets = [1, 2, 3].map(() => new FakeSocket());
    for (const socket of sockets) expect(limits.admitConnection("10.0.0.1", socket, true)).toBe(true);
    expect(limits.admitWebSocket("198.51.100.1", "10.0.0.1", sockets[0]!)).toBe(true);
    expect(limits.admitWebSocket("198.51.100.2", "10.0.0.1", sockets[1]!)).toBe(true);
    expect(limits.admitWebSocket("198.51.100.1", "10.0.0.1", sockets[2]!)).toBe(false);
    sockets[0]!.close();
    expect(limits.admitWebSocket("198.51.100.1", "10.0.0.1", sockets[2]!)).toBe(true);
  });

  it("gives a socket's places back exactly once, however often 'close' is emitted", () => {
    const limits = new ConnectionLimits({ maxHttpConnectionsPerIp: 0, maxConnectionsPerIp: 1 });
    const [a, b] = [new FakeSocket(), new FakeSocket()];
    for (const socket of [a, b]) limits.admitConnection("198.51.100.1", socket, false);
    expect(limits.admitWebSocket("198.51.100.1", "198.51.100.1", a)).toBe(true);
    a.close();
    a.emit("close");
    expect([limits.httpConnections, limits.webSockets]).toEqual([1, 0]);
    expect(limits.admitWebSocket("198.51.100.1", "198.51.100.1", b)).toBe(true);
    expect(limits.admitWebSocket("198.51.100.1", "198.51.100.1", new FakeSocket())).toBe(false);
  });

  it("does not count a socket that has already closed", () => {
    const limits = new ConnectionLimits({ maxHttpConnectionsPerIp: 1, maxConnectionsPerIp: 1 });
    const gone = new FakeSocket();
    gone.close();
    expect(limits.admitConnection("198.51.100.1", gone, false)).toBe(true);
    expect(limits.admitWebSocket("198.51.100.1", "198.51.100.1", gone)).toBe(true);
    expect([limits.httpConnections, limits.webSockets]).toEqual([0, 0]);
  });

  it("listens for 'close' once per socket, whatever it is counted under", () => {
    const limits = new ConnectionLimits({ maxHttpConnectionsPerIp: 4, maxConnectionsPerIp: 4 });
    const socket = new FakeSocket();
    limits.admitConnection("198.51.100.1", socket, false);
    limits.admitWebSocket("198.51.100.1", "198.51.100.1", socket);
    expect(socket.listenerCount("close")).toBe(1);
  });
});
