// Issue 9, point 1: no request crashes the process. Raw request lines and headers over TCP (odd
// targets, absolute- and authority-form, bad percent-encoding, odd methods, oversized headers,
// garbage, malformed upgrades), each answered with a well-formed status; then the server still
// serves /healthz and a WebSocket login. Seeded: FUZZ_SEED=<seed> replays a failure.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { TestClient } from "./support/test-client.js";
import { useServer } from "./support/fixture.js";
import { rawExchange, upgradeRequest } from "./support/raw-http.js";

const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
const REQUESTS = 2000;
const PARALLEL = 8;

const running = useServer();

function appDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "switchboard-app-"));
  writeFileSync(join(dir, "index.html"), "<!doctype html><title>app</title>");
  return dir;
}

const get = (target: string, headers = "Host: 127.0.0.1\r\n") => `GET ${target} HTTP/1.1\r\n${headers}\r\n`;

describe("malformed requests, one by one", () => {
  it.each([
    ["a target new URL() cannot parse (GET //)", get("//"), 200], // the app's index
    ["a scheme-relative target", get("//evil.example/healthz"), 404],
    ["the asterisk form on GET", get("*"), 400],
    ["the asterisk form on OPTIONS", "OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n", 405],
    ["the authority form on GET", get("example.org:443"), 400],
    ["CONNECT (authority form)", "CONNECT example.org:443 HTTP/1.1\r\nHost: example.org\r\n\r\n", 405],
    ["the absolute form", get("http://example.org/healthz"), 200],
    ["a broken absolute form", get("http://[::1/healthz"), 400],
    ["bad percent-encoding", get("/%zz"), 404],
    ["a truncated UTF-8 escape", get("/%E0%A4%A"), 404],
    ["an encoded NUL", get("/%00"), 404],
    ["an encoded traversal", get("/%2e%2e/%2e%2e/etc/passwd"), 404],
    ["a method Node does not know", "BREW / HTTP/1.1\r\nHost: x\r\n\r\n", 400],
    ["a lower-case method", "get / HTTP/1.1\r\nHost: x\r\n\r\n", 400],
    ["an unknown HTTP version", "GET / HTTP/9.9\r\nHost: x\r\n\r\n", 400],
    ["a missing Host", "GET / HTTP/1.1\r\n\r\n", 400],
    ["a header over 16 KiB", get("/", `Host: x\r\nX-Big: ${"b".repeat(20_000)}\r\n`), 431],
    ["a bad Content-Length", "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n", 400],
    ["garbage", "\u0000\u0001\u00ff\r\n\r\n", 400],
    ["an upgrade to //", upgradeRequest({ target: "//" }), 404],
    ["an upgrade to *", upgradeRequest({ target: "*" }), 400],
    ["an upgrade to example.org:443", upgradeRequest({ target: "example.org:443" }), 400],
    ["an upgrade with bad escapes", upgradeRequest({ target: "/ws%zz" }), 404],
    ["an upgrade by POST", upgradeRequest({ method: "POST" }), 405],
    ["an upgrade with a bad key", upgradeRequest({ headers: { "sec-websocket-key": "short" } }), 400],
    ["an upgrade with a bad version", upgradeRequest({ headers: { "sec-websocket-version": "99" } }), 400],
    ["an upgrade to something else", upgradeRequest({ headers: { upgrade: "h2c" } }), 400],
  ])("answers %s with a status", async (_, request, status) => {
    await running.start({ staticDir: appDir() });
    const reply = await rawExchange(running.port, request);
    expect(reply.wellFormed, reply.text.slice(0, 100)).toBe(true);
    expect(reply.status).toBe(status);
    expect((await fetch(`${running.httpUrl}/healthz`)).status).toBe(200);
  });
});

const header: fc.Arbitrary<[string, string]> = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom<[string, string]>(
    ["Upgrade", "websocket"],
    ["Connection", "Upgrade"],
    ["Connection", "keep-alive"],
    ["Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="],
    ["Sec-WebSocket-Key", "short"],
    ["Sec-WebSocket-Version", "13"],
    ["Sec-WebSocket-Version", "99"],
    ["Sec-WebSocket-Protocol", "json, ,,"],
    ["Origin", "https://evil.example"],
    ["Content-Length", "-1"],
    ["Content-Length", "abc"],
    ["Content-Length", "5"],
    ["Transfer-Encoding", "chunked"],
    ["Transfer-Encoding", "gzip, chunked"],
    ["Authorization", "Bearer x"],
    ["X-Forwarded-For", "not-an-ip, 1.2.3.4"],
    ["Expect", "100-continue"],
  ) },
  { weight: 2, arbitrary: fc.tuple(fc.string({ unit: "binary-ascii", maxLength: 20 }), fc.string({ unit: "binary-ascii", maxLength: 60 })) },
  { weight: 1, arbitrary: fc.integer({ min: 17_000, max: 40_000 }).map((n): [string, string] => ["X-Big", "b".repeat(n)]) },
);

const target = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(
    "/", "//", "///", "/healthz", "//healthz", "/metrics", "/api/ice-servers", "/ws", "//ws", "*", "example.org:443",
    "[::1]:80", "http://example.org/healthz", "http://[::1", "https://", "ws://x/ws", "/%", "/%zz", "/%00",
    "/%2e%2e/%2e%2e/etc/passwd", "/..\\..\\", "/%E0%A4%A", "/%C0%AF", "/a?%zz", "/?", `/${"a".repeat(9000)}`,
  ) },
  { weight: 2, arbitrary: fc.webPath() },
  { weight: 1, arbitrary: fc.webUrl() },
  { weight: 1, arbitrary: fc.string({ unit: "binary-ascii", maxLength: 40 }) },
);

const method = fc.oneof(
  { weight: 6, arbitrary: fc.constant("GET") },
  { weight: 6, arbitrary: fc.constantFrom("HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH", "TRACE", "CONNECT", "PRI", "get", "BREW", "") },
  { weight: 1, arbitrary: fc.string({ unit: "binary-ascii", maxLength: 8 }) },
);

const request: fc.Arbitrary<string | Uint8Array> = fc.oneof(
  {
    weight: 9,
    arbitrary: fc
      .record({
        method,
        target,
        version: fc.oneof({ weight: 6, arbitrary: fc.constantFrom("HTTP/1.1", "HTTP/1.0") }, { weight: 1, arbitrary: fc.constantFrom("HTTP/2.0", "HTTP/0.9", "http/1.1", "") }),
        host: fc.oneof({ weight: 9, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
        headers: fc.array(header, { maxLength: 4 }),
        body: fc.oneof(fc.constant(""), fc.constant("0\r\n\r\n"), fc.constant("zz\r\n"), fc.string({ unit: "binary-ascii", maxLength: 100 })),
      })
      .map(({ method, target, version, host, headers, body }) => {
        const lines = [...(host ? [["Host", "127.0.0.1"]] : []), ...headers].map(([name, value]) => `${name}: ${value}\r\n`);
        return `${method} ${target} ${version}\r\n${lines.join("")}\r\n${body}`;
      }),
  },
  { weight: 1, arbitrary: fc.uint8Array({ minLength: 1, maxLength: 300 }) },
);

describe("HTTP fuzzing", () => {
  it(`answers ${REQUESTS} seeded random requests with well-formed statuses, and serves on (seed ${SEED})`, { timeout: 120_000 }, async () => {
    // Short timeouts: a request left incomplete (a Content-Length with no body) is answered 408 soon.
    await running.start({ staticDir: appDir(), httpHeadersTimeoutMs: 500, httpRequestTimeoutMs: 1000, httpKeepAliveTimeoutMs: 200 });
    const inputs = fc.sample(request, { numRuns: REQUESTS, seed: SEED });
    const statuses = new Map<number, number>();
    for (let start = 0; start < inputs.length; start += PARALLEL) {
      const batch = inputs.slice(start, start + PARALLEL);
      const replies = await Promise.all(batch.map((input) => rawExchange(running.port, input)));
      replies.forEach((reply, i) => {
        const input = batch[i]!;
        const shown = `seed ${SEED}, request ${start + i}: ${JSON.stringify(typeof input === "string" ? input.slice(0, 200) : [...input.slice(0, 40)])}`;
        expect(reply.wellFormed, `${shown}\nreply: ${JSON.stringify(reply.text.slice(0, 120))}`).toBe(true);
        expect(reply.status! < 500, `${shown}\nreply: ${reply.text.slice(0, 120)}`).toBe(true);
        statuses.set(reply.status!, (statuses.get(reply.status!) ?? 0) + 1);
      });
    }
    // The mix really reached the handlers, not only the parser.
    expect([...statuses.keys()]).toEqual(expect.arrayContaining([200, 400, 404, 405]));
    expect((await fetch(`${running.httpUrl}/healthz`)).status).toBe(200);
    const client = running.track(await TestClient.modern(running.wsUrl, "Survivor"));
    expect(client.name).toBe("Survivor");
  });
});
