// Issue 5, points 4 and 5: limits, origins and headers, each visible in /metrics.
import { CLOSE_CODES } from "@switchboard/protocol";
import { describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { useServer } from "./support/fixture.js";

const running = useServer();

async function metric(name: string): Promise<number> {
  const text = await (await fetch(`${running.httpUrl}/metrics`)).text();
  const line = text.split("\n").find((l) => l.startsWith(`switchboard_${name} `) || l.startsWith(`switchboard_${name}{`));
  // A missing metric is an error, not 0: an expected 0 would pass whatever the server counts.
  if (!line) throw new Error(`/metrics has no switchboard_${name}`);
  return Number(line.split(" ").at(-1));
}

function upgradeStatus(url: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve) => {
    const socket = new WebSocket(url, "json", { headers });
    socket.once("open", () => {
      socket.terminate();
      resolve(101);
    });
    socket.once("unexpected-response", (_, response) => resolve(response.statusCode!));
  });
}

describe("message rate", () => {
  it("drops messages above the burst with rate-limited errors, and the connection carries on", async () => {
    await running.start({ rateLimitPerSecond: 5, rateLimitBurst: 20 });
    const alice = await running.modern("Alice");
    const bob = await running.modern("Bob");
    for (let i = 0; i < 30; i++) alice.send({ type: "note", n: i, target: "Bob" });
    expect(await alice.next("error")).toMatchObject({ code: "rate-limited" });
    await bob.next("note", (m) => m.n === 17); // the burst less the login's own messages
    expect(await metric("rate_limited_total")).toBeGreaterThan(0);
    expect(alice.socket.readyState).toBe(WebSocket.OPEN);
    expect(alice.all("error").length).toBe(1); // one report a second, not one per dropped message
  });

  it("closes a connection that keeps flooding with 4008, and nobody else is affected", async () => {
    await running.start({ rateLimitPerSecond: 5, rateLimitBurst: 20 });
    const flooder = await running.modern("Flooder");
    const witness = await running.modern("Witness");
    for (let i = 0; i < 100; i++) flooder.send({ type: "note", target: "Witness" });
    expect((await flooder.closed).code).toBe(CLOSE_CODES.rateLimitAbuse);
    await witness.next("user-left", (m) => (m.users as string[]).includes("Flooder"));
    expect(await metric("rate_limit_abusers_cut_total")).toBe(1);
  });
});

describe("queued bytes", () => {
  it("cuts off a client that stops reading while others flood it, and memory stays flat", async () => {
    await running.start({
      maxQueuedBytes: 256 * 1024,
      slowConsumerGraceMs: 200,
      resumeGraceMs: 500,
      rateLimitPerSecond: 100_000,
      rateLimitBurst: 100_000,
    });
    const sleeper = await running.modern("Sleeper");
    const witness = await running.modern("Witness");
    (sleeper.socket as unknown as { _socket: { pause(): void } })._socket.pause();
    const flooders = await Promise.all([1, 2, 3].map((i) => running.modern(`Flooder${i}`)));
    const before = process.memoryUsage().rss;
    const payload = "x".repeat(16 * 1024);
    for (let round = 0; round < 100 && (await metric("slow_consumers_cut_total")) === 0; round++) {
      for (const flooder of flooders) for (let i = 0; i < 20; i++) flooder.send({ type: "blob", payload, target: "Sleeper" });
      await flooders[0]!.expectNone("error", (m) => m.code !== "unknown-target");
    }
    expect(await metric("slow_consumers_cut_total")).toBe(1);
    // Cut, it waits to be resumed; unresumed, it leaves when the resume grace ends.
    await witness.next("user-left", (m) => (m.users as string[]).includes("Sleeper"));
    // 100 rounds would have queued about 100 MB for the sleeper; it was cut near 256 KiB.
    expect(process.memoryUsage().rss - before).toBeLessThan(60 * 1024 * 1024);
  });
});

describe("per-address limits", () => {
  it("refuses connections past MAX_CONNECTIONS_PER_IP with 429, and frees the slot on close", async () => {
    await running.start({ maxConnectionsPerIp: 2 });
    const first = await running.connect();
    await running.connect();
    expect(await upgradeStatus(running.wsUrl)).toBe(429);
    expect(await metric("connections_refused_ip_total")).toBe(1);
    await first.close();
    await expect.poll(() => upgradeStatus(running.wsUrl)).toBe(101);
  });

  it("refuses logins past LOGINS_PER_MINUTE_PER_IP with too-many-logins", async () => {
    await running.start({ loginsPerMinutePerIp: 2 });
    await running.legacy("One");
    await running.legacy("Two");
    const third = await running.connect();
    await third.next("id");
    third.send({ type: "username", name: "Three" });
    expect(await third.next("error")).toMatchObject({ code: "too-many-logins" });
    expect(await metric("logins_refused_total")).toBe(1);
  });
});

describe("origins", () => {
  it("accepts only ALLOWED_ORIGINS when set, and clients that send no Origin", async () => {
    await running.start({ allowedOrigins: "https://chat.example.org" });
    expect(await upgradeStatus(running.wsUrl, { Origin: "https://chat.example.org" })).toBe(101);
    expect(await upgradeStatus(running.wsUrl, { Origin: "https://evil.example.com" })).toBe(403);
    expect(await upgradeStatus(running.wsUrl)).toBe(101);
    expect(await metric("connections_refused_origin_total")).toBe(1);
  });

  it("accepts every origin by default, as the article does", async () => {
    await running.start();
    expect(await upgradeStatus(running.wsUrl, { Origin: "https://anywhere.example" })).toBe(101);
  });
});

describe("headers", () => {
  it("serves the app with a strict Content-Security-Policy and safe headers", async () => {
    await running.start();
    const response = await fetch(`${running.httpUrl}/`);
    const csp = response.headers.get("content-security-policy")!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain("unsafe-inline");
    expect(response.headers.get("x-frame-options")).toBe("DENY");
    expect(response.headers.get("permissions-policy")).toContain("camera=(self)");
  });

  it("exposes counters and gauges at /metrics", async () => {
    await running.start();
    await running.legacy("Someone");
    expect(await metric("users")).toBe(1);
    expect(await metric("connections")).toBe(1);
  });
});
