// Issue 9, point 10: behind a reverse proxy. With TRUST_PROXY, per-IP limits count clients by
// X-Forwarded-For when (and only when) the connection comes from a trusted proxy.
import { afterEach, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { useServer } from "./support/fixture.js";
import { openRaw } from "./support/raw-http.js";

const running = useServer();
const sockets: WebSocket[] = [];
afterEach(() => {
  for (const socket of sockets.splice(0)) socket.terminate();
});

/** The upgrade's status (101 when accepted), sent from `localAddress` with `forwardedFor`. */
function upgrade(forwardedFor: string | undefined, localAddress = "127.0.0.1"): Promise<{ status: number; socket?: WebSocket }> {
  return new Promise((resolve, reject) => {
    const headers = forwardedFor === undefined ? {} : { "X-Forwarded-For": forwardedFor };
    const socket = new WebSocket(running.wsUrl, "json", { headers, localAddress });
    socket.once("open", () => resolve({ status: 101, socket: sockets[sockets.push(socket) - 1] }));
    socket.once("unexpected-response", (_, response) => resolve({ status: response.statusCode! }));
    socket.once("error", reject);
  });
}

async function statuses(...attempts: [string | undefined, string?][]): Promise<number[]> {
  const results: number[] = [];
  for (const [forwardedFor, localAddress] of attempts) {
    results.push((await upgrade(forwardedFor, localAddress)).status);
  }
  return results;
}

describe("TRUST_PROXY", () => {
  it("is off by default: a spoofed X-Forwarded-For changes nothing", async () => {
    await running.start({ maxConnectionsPerIp: 1 });
    expect(await statuses(["198.51.100.1"], ["198.51.100.2"])).toEqual([101, 429]);
  });

  it("counts clients by X-Forwarded-For when the peer is a trusted proxy", async () => {
    await running.start({ maxConnectionsPerIp: 1, trustProxy: "127.0.0.1" });
    expect(await statuses(["198.51.100.1"], ["198.51.100.2"], ["198.51.100.1"])).toEqual([101, 101, 429]);
  });

  it("ignores X-Forwarded-For from a peer it does not trust", async () => {
    await running.start({ maxConnectionsPerIp: 1, trustProxy: "127.0.0.1" });
    // 127.0.0.2 is not the proxy: both count as 127.0.0.2, whatever they claim.
    expect(await statuses(["198.51.100.1", "127.0.0.2"], ["198.51.100.2", "127.0.0.2"])).toEqual([101, 429]);
  });

  it("takes the rightmost hop it does not trust in a multi-hop chain", async () => {
    await running.start({ maxConnectionsPerIp: 1, trustProxy: "127.0.0.1, 10.0.0.0/8" });
    // The client's own (forged) first entry is ignored: the inner proxy 10.1.1.1 saw 198.51.100.7.
    expect(await statuses(["203.0.113.1, 198.51.100.7, 10.1.1.1"], ["203.0.113.2, 198.51.100.7, 10.1.1.1"], ["198.51.100.8, 10.1.1.1"])).toEqual([101, 429, 101]);
  });

  it("falls back to the proxy's address when the header is malformed", async () => {
    await running.start({ maxConnectionsPerIp: 1, trustProxy: "127.0.0.1" });
    expect(await statuses(["not-an-ip"], ["198.51.100.1, <junk>"])).toEqual([101, 429]);
  });

  it("uses the forwarded address for the login rate too", async () => {
    await running.start({ loginsPerMinutePerIp: 1, trustProxy: "127.0.0.1" });
    const login = async (forwardedFor: string, name: string) => {
      const { socket } = await upgrade(forwardedFor);
      const messages: Record<string, unknown>[] = [];
      socket!.on("message", (data) => messages.push(JSON.parse(data.toString())));
      socket!.send(JSON.stringify({ type: "username", name }));
      await expect.poll(() => messages.some((m) => m.type === "userlist" || m.type === "error")).toBe(true);
      return messages.find((m) => m.type === "error")?.code ?? "ok";
    };
    expect(await login("198.51.100.1", "One")).toBe("ok");
    expect(await login("198.51.100.2", "Two")).toBe("ok");
    expect(await login("198.51.100.1", "Three")).toBe("too-many-logins");
  });

  it("does not cap a trusted proxy's plain HTTP connections per address", async () => {
    await running.start({ maxHttpConnectionsPerIp: 2, trustProxy: "127.0.0.1" });
    const raw = await Promise.all(Array.from({ length: 6 }, () => openRaw(running.port)));
    expect((await fetch(`${running.httpUrl}/healthz`)).status).toBe(200);
    expect(raw.filter((socket) => socket.closed)).toHaveLength(0);
    for (const socket of raw) socket.destroy();
  });

  it("refuses a TRUST_PROXY that is not addresses or CIDRs at start", async () => {
    await expect(running.start({ trustProxy: "proxy.example.com" })).rejects.toThrow(/TRUST_PROXY/);
  });
});
