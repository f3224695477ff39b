// Issue 6, point 1: short-lived TURN credentials, per user, renewed, never leaking the secret.
import { spawn } from "node:child_process";
import { afterEach, describe, expect, it, vi } from "vitest";
import { builtCli } from "./support/cli-process.js";
import { TestClient } from "./support/test-client.js";
import { useServer } from "./support/fixture.js";

const SECRET = "correct-horse-battery-staple";
const turn = { stunUrls: "stun:127.0.0.1:3478", turnUrls: "turn:127.0.0.1:3478?transport=udp", turnSecret: SECRET, turnTtlSeconds: 600 };

const running = useServer();
afterEach(() => {
  vi.useRealTimers();
});

describe("TURN credentials from a shared secret", () => {
  it("are not given before login, and come in ice-servers right after it", async () => {
    await running.start(turn);
    const client = await running.connect();
    await client.next("id");
    client.send({ type: "hello", protocol: 1 });
    expect((await client.next("welcome")).iceServers).toEqual([{ urls: ["stun:127.0.0.1:3478"] }]);
    const before = Math.floor(Date.now() / 1000);
    client.send({ type: "username", name: "Naomi" });
    const { iceServers, expiresAt } = await client.next("ice-servers");
    const relay = (iceServers as { username: string; credential: string }[])[1]!;
    const [expiry, user] = relay.username.split(":");
    expect(user).toBe("Naomi");
    expect(Number(expiry)).toBeGreaterThanOrEqual(before + 600);
    expect(Number(expiry)).toBeLessThanOrEqual(before + 602);
    expect(expiresAt).toBe(Number(expiry) * 1000);
    expect(relay.credential).toMatch(/^[A-Za-z0-9+/]{27}=$/);
  });

  it("are served by GET /api/ice-servers to the session that presents its token, and no one else", async () => {
    await running.start(turn);
    const naomi = await running.modern("Naomi");
    const url = `${running.httpUrl}/api/ice-servers`;
    const token = naomi.all("welcome")[0]!.resumeToken as string;
    const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    const body = await response.json();
    expect(body.iceServers[1].username).toMatch(/^\d+:Naomi$/);
    expect((await fetch(url)).status).toBe(401);
    expect((await fetch(url, { headers: { authorization: "Bearer guessed" } })).status).toBe(401);
  });

  it("are renewed before they expire", async () => {
    vi.useFakeTimers({ toFake: ["setInterval", "Date"] });
    // A heartbeat longer than the jump in time, or it would find the client silent.
    await running.start({ ...turn, heartbeatTimeoutMs: 10 * 600_000 });
    const naomi = await running.modern("Naomi");
    const first = await naomi.next("ice-servers");
    vi.advanceTimersByTime(600_000 * 0.8);
    const renewed = await naomi.next("ice-servers");
    expect(renewed.expiresAt).toBeGreaterThan(first.expiresAt as number);
  });

  it("never put the secret in a log line, even at trace level", async () => {
    const child = spawn(process.execPath, [builtCli(), "--port", "0", "--host", "127.0.0.1"], {
      env: { PATH: process.env.PATH, LOG_LEVEL: "trace", TURN_URLS: turn.turnUrls, TURN_SECRET: SECRET },
    });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    await expect.poll(() => /"port":(\d+)/.exec(output)?.[1], { timeout: 10_000 }).toBeDefined();
    const port = /"port":(\d+)/.exec(output)![1];
    const client = await TestClient.modern(`ws://127.0.0.1:${port}/ws`, "Naomi");
    client.send({ type: "message", text: "hello" });
    await client.next("ice-servers");
    await client.close();
    child.kill("SIGTERM");
    await new Promise((resolve) => child.once("exit", resolve));
    expect(output).toContain("logged in"); // trace logging really ran
    expect(output).not.toContain(SECRET);
  });
});
