// Point 1 of the server issue: one port for health, the app and WebSockets; TLS on demand.
import { execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { createServer } from "../src/index.js";
import { TestClient } from "./support/test-client.js";
import { useServer } from "./support/fixture.js";

const running = useServer();

function appDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "switchboard-app-"));
  writeFileSync(join(dir, "index.html"), "<!doctype html><title>app</title>");
  mkdirSync(join(dir, "assets"));
  writeFileSync(join(dir, "assets", "main-abc123.js"), "console.log(1)");
  return dir;
}

/** GET with the request target exactly as given (no URL normalization). */
function rawGet(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    httpRequest({ host: "127.0.0.1", port, path }, (response) => {
      let body = "";
      response.setEncoding("utf8").on("data", (chunk: string) => (body += chunk));
      response.on("end", () => resolve({ status: response.statusCode!, body }));
    })
      .on("error", reject)
      .end();
  });
}

describe("HTTP", () => {
  it("answers /healthz with 200 once listening", async () => {
    await running.start();
    const response = await fetch(`${running.httpUrl}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: "ok", connections: 0, users: 0 });
  });

  it("serves the built app at / with safe headers and long-lived hashed assets", async () => {
    await running.start({ staticDir: appDir() });
    const index = await fetch(`${running.httpUrl}/`);
    expect(index.status).toBe(200);
    expect(index.headers.get("content-type")).toContain("text/html");
    expect(index.headers.get("x-content-type-options")).toBe("nosniff");
    expect(await index.text()).toContain("<title>app</title>");
    const asset = await fetch(`${running.httpUrl}/assets/main-abc123.js`);
    expect(asset.headers.get("content-type")).toContain("javascript");
    expect(asset.headers.get("cache-control")).toContain("immutable");
  });

  it("serves a placeholder at / when the app is not built, and 404 elsewhere", async () => {
    await running.start({ staticDir: join(tmpdir(), "switchboard-no-such-dir") });
    const index = await fetch(`${running.httpUrl}/`);
    expect(index.status).toBe(200);
    expect(await index.text()).toContain("Switchboard");
    expect((await fetch(`${running.httpUrl}/nope.js`)).status).toBe(404);
  });

  it("serves the app's index.html at /r/<room>, whatever follows, HEAD too, and the placeholder when not built", async () => {
    await running.start({ staticDir: appDir() });
    for (const path of ["/r/team", "/r/Team%20stand-up", "/r/%D0%A2%D0%95%D0%90%D0%9C", "/r/team/", "/r/a/b", "/r/"]) {
      const response = await fetch(`${running.httpUrl}${path}`);
      expect(response.status, path).toBe(200);
      expect(response.headers.get("content-type"), path).toContain("text/html");
      expect(response.headers.get("cache-control"), path).toBe("no-cache");
      expect(await response.text(), path).toContain("<title>app</title>");
    }
    expect((await fetch(`${running.httpUrl}/r/team`, { method: "HEAD" })).status).toBe(200);
    expect((await fetch(`${running.httpUrl}/r`)).status).toBe(404);
    await running.start({ staticDir: join(tmpdir(), "switchboard-no-such-dir") });
    expect(await (await fetch(`${running.httpUrl}/r/team`)).text()).toContain("Switchboard");
  });

  it("never serves files outside the app directory", async () => {
    await running.start({ staticDir: appDir() });
    // Sent as written: fetch() would resolve "/../" and "/%2e%2e/" to "/" before sending.
    for (const path of ["/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/..%2f..%2fetc%2fpasswd", "/%00", "/r/../../etc/passwd", "/r/%2e%2e/%2e%2e/etc/passwd"]) {
      const response = await rawGet(running.port, path);
      expect(response.status, path).toBeGreaterThanOrEqual(400);
      expect(response.status, path).toBeLessThan(500);
      expect(response.body, path).not.toContain("root:");
    }
  });

  it("refuses methods other than GET and HEAD with 405 and Allow, on every path", async () => {
    await running.start({ staticDir: appDir() });
    for (const path of ["/", "/index.html", "/nope.js", "/healthz", "/metrics", "/api/ice-servers", "/ws"]) {
      for (const method of ["POST", "PUT", "DELETE", "PATCH", "OPTIONS"]) {
        const response = await fetch(`${running.httpUrl}${path}`, { method, body: method === "POST" ? "x" : undefined });
        expect(response.status, `${method} ${path}`).toBe(405);
        expect(response.headers.get("allow"), `${method} ${path}`).toBe("GET, HEAD");
      }
      const head = await fetch(`${running.httpUrl}${path}`, { method: "HEAD" });
      expect(head.status, `HEAD ${path}`).not.toBe(405);
    }
  });

  it("answers HEAD like GET, without a body", async () => {
    await running.start({ staticDir: appDir() });
    const head = await fetch(`${running.httpUrl}/index.html`, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.headers.get("content-length")).toBe(String("<!doctype html><title>app</title>".length));
    expect(await head.text()).toBe("");
  });
});

describe("/metrics", () => {
  const token = "a-long-enough-metrics-token";

  it("is served to this machine by default, and refused to a client behind a proxy", async () => {
    await running.start();
    expect((await fetch(`${running.httpUrl}/metrics`)).status).toBe(200);
    // A local reverse proxy's request comes from loopback too, but says whom it forwards.
    const proxied = await fetch(`${running.httpUrl}/metrics`, { headers: { "X-Forwarded-For": "198.51.100.1" } });
    expect(proxied.status).toBe(403);
    expect(await proxied.text()).not.toContain("switchboard_");
  });

  it("is refused to a remote client resolved through a trusted proxy", async () => {
    await running.start({ trustProxy: "127.0.0.1" });
    expect((await fetch(`${running.httpUrl}/metrics`, { headers: { "X-Forwarded-For": "198.51.100.1" } })).status).toBe(403);
    expect((await fetch(`${running.httpUrl}/metrics`, { headers: { "X-Forwarded-For": "127.0.0.1" } })).status).toBe(200);
  });

  it("needs the bearer token when METRICS_TOKEN is set, from anywhere", async () => {
    await running.start({ metricsToken: token });
    const missing = await fetch(`${running.httpUrl}/metrics`);
    expect(missing.status).toBe(401);
    expect(missing.headers.get("www-authenticate")).toMatch(/^Bearer/);
    expect((await fetch(`${running.httpUrl}/metrics`, { headers: { authorization: "Bearer wrong" } })).status).toBe(401);
    expect((await fetch(`${running.httpUrl}/metrics`, { headers: { authorization: `Bearer ${token}x` } })).status).toBe(401);
    const allowed = await fetch(`${running.httpUrl}/metrics`, { headers: { authorization: `Bearer ${token}`, "X-Forwarded-For": "198.51.100.1" } });
    expect(allowed.status).toBe(200);
    expect(await allowed.text()).toContain("switchboard_connections ");
  });

  it("moves to its own listener with METRICS_PORT", async () => {
    const server = createServer({ port: 0, host: "127.0.0.1", logLevel: "silent", metricsPort: 0, metricsToken: token });
    const { url, metricsUrl } = await server.listen();
    try {
      expect(metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
      expect((await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(404);
      expect((await fetch(metricsUrl!)).status).toBe(401);
      const scraped = await fetch(metricsUrl!, { headers: { authorization: `Bearer ${token}` } });
      expect(await scraped.text()).toContain("switchboard_users ");
      expect((await fetch(metricsUrl!.replace("/metrics", "/healthz"))).status).toBe(404);
      expect((await fetch(metricsUrl!, { method: "POST" })).status).toBe(405);
    } finally {
      await server.close();
    }
  });

  it("refuses a METRICS_TOKEN too short to be a secret at start", () => {
    expect(() => createServer({ metricsToken: "short" })).toThrow(/METRICS_TOKEN/);
  });
});

describe("WebSocket upgrades", () => {
  it.each(["/", "/ws"])("are accepted on %s and select the json subprotocol", async (path) => {
    await running.start();
    const client = await TestClient.connect(`ws://127.0.0.1:${running.port}${path}`, "json");
    expect(client.socket.protocol).toBe("json");
    expect(await client.next("id")).toMatchObject({ type: "id" });
    await client.close();
  });

  it("are accepted without a subprotocol", async () => {
    await running.start();
    const client = await TestClient.connect(running.wsUrl, []);
    expect(client.socket.protocol).toBe("");
    await client.next("id");
    await client.close();
  });

  it("are refused on other paths", async () => {
    await running.start();
    const socket = new WebSocket(`ws://127.0.0.1:${running.port}/elsewhere`);
    const status = await new Promise<number>((resolve) => socket.once("unexpected-response", (_, res) => resolve(res.statusCode!)));
    expect(status).toBe(404);
  });
});

describe("TLS", () => {
  it("serves https and wss with TLS_CERT and TLS_KEY", async () => {
    const dir = mkdtempSync(join(tmpdir(), "switchboard-tls-"));
    const cert = join(dir, "cert.pem");
    const key = join(dir, "key.pem");
    execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=localhost"], {
      stdio: "ignore",
    });
    await running.start({ tlsCert: cert, tlsKey: key });
    const status = await new Promise<number>((resolve, reject) => {
      httpsRequest(`https://127.0.0.1:${running.port}/healthz`, { rejectUnauthorized: false }, (res) => {
        res.resume();
        resolve(res.statusCode!);
      })
        .on("error", reject)
        .end();
    });
    expect(status).toBe(200);
    const socket = new WebSocket(`wss://127.0.0.1:${running.port}/ws`, "json", { rejectUnauthorized: false });
    const first = await new Promise<string>((resolve) => socket.once("message", (data) => resolve(data.toString())));
    expect(JSON.parse(first)).toMatchObject({ type: "id" });
    socket.close();
  });
});
