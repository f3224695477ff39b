// The SDK's call-setup report against a scripted server: when it is sent, and when it is not.
import { afterEach, describe, expect, it, vi } from "vitest";
import { TypedEmitter } from "../typed-emitter.js";
import { CALL_METRICS_FEATURE, reportSetupOnConnect } from "./setup-report.js";
import { FakeSocket, scriptedClient } from "../../test/support/scripted-socket.js";

type States = { "connection-state": (state: RTCPeerConnectionState) => void };

async function serverWith(features: string[]) {
  const client = scriptedClient();
  const connecting = client.connect();
  const socket = FakeSocket.last!;
  socket.open();
  socket.welcome({ features });
  await connecting;
  return { client, socket, reports: () => socket.sent.filter((message) => message.type === "call-metrics") };
}

/** performance.now() gives `times` in turn: the call's start, then its connection. */
const clockAt = (...times: number[]) => {
  const now = vi.spyOn(performance, "now");
  for (const time of times) now.mockReturnValueOnce(time);
};

afterEach(() => {
  vi.restoreAllMocks();
});

describe("reportSetupOnConnect", () => {
  it("reports once, when the call first connects, the time since it started", async () => {
    const { client, reports } = await serverWith(["acks", CALL_METRICS_FEATURE]);
    const call = new TypedEmitter<States>();
    clockAt(1000, 3500.4);
    reportSetupOnConnect(call, client, "group");
    call.emit("connection-state", "connecting");
    expect(reports()).toEqual([]);
    call.emit("connection-state", "connected");
    call.emit("connection-state", "disconnected");
    call.emit("connection-state", "connected");
    expect(reports()).toEqual([{ type: "call-metrics", setupMs: 2500, kind: "group", ref: expect.anything() }]);
    client.close();
  });

  it("sends nothing to a server that does not list call-metrics (it would relay the report to the room)", async () => {
    const { client, reports } = await serverWith(["acks"]);
    const call = new TypedEmitter<States>();
    reportSetupOnConnect(call, client, "direct");
    call.emit("connection-state", "connected");
    expect(reports()).toEqual([]);
    client.close();
  });

  it("sends no setup past what the protocol accepts, and keeps a refused report from the app", async () => {
    const { client, socket, reports } = await serverWith([CALL_METRICS_FEATURE]);
    const errors: unknown[] = [];
    client.on("error", (error) => errors.push(error));
    const slow = new TypedEmitter<States>();
    clockAt(0, 600_001);
    reportSetupOnConnect(slow, client, "direct");
    slow.emit("connection-state", "connected");
    expect(reports()).toEqual([]);

    const refused = new TypedEmitter<States>();
    reportSetupOnConnect(refused, client, "direct");
    refused.emit("connection-state", "connected");
    const [report] = reports();
    socket.deliver({ type: "error", code: "invalid-message", message: "no", ref: report!.ref });
    expect(errors).toEqual([]);
    client.close();
  });

  it("stops waiting when disposed", async () => {
    const { client, reports } = await serverWith([CALL_METRICS_FEATURE]);
    const call = new TypedEmitter<States>();
    reportSetupOnConnect(call, client, "direct")();
    call.emit("connection-state", "connected");
    expect(reports()).toEqual([]);
    client.close();
  });
});
