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
  it("counts per key up to the limit and gives a place back when a socket closes", () => {
    const counter = new SocketCounter(2);
    const [a, b, c] = [new FakeSocket(), new FakeSocket(), new FakeSocket()];
    expect([counter.tryAdd("x", a), counter.tryAdd("x", b), counter.tryAdd("x", c)]).toEqual([true, true, false]);
    expect(counter.tryAdd("y", c)).toBe(true);
    a.close();
    expect(counter.count("x")).toBe(1);
    expect(counter.tryAdd("x", new FakeSocket())).toBe(true);
  });

  it("releases exactly once, however often 'close' is emitted", () => {
    const counter = new SocketCounter(0);
    const sockets = [new FakeSocket(), new FakeSocket()];
    for (const socket of sockets) counter.add("x", socket);
    sockets[0]!.close();
    sockets[0]!.emit("close");
    expect(counter.count("x")).toBe(1);
    expect(counter.total).toBe(1);
  });

  it("does not count a socket that has already closed", () => {
    const counter = new SocketCounter(1);
    const gone = new FakeSocket();
    gone.close();
    counter.add("x", gone);
    expect(counter.total).toBe(0);
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
});
