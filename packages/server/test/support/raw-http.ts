import { request } from "node:http";
import { connect, type Socket } from "node:net";

/** What came back on a raw connection: the first status line's code, if any, and all bytes. */
export interface RawReply {
  status: number | undefined;
  /** The status line is `HTTP/1.x NNN reason`. */
  wellFormed: boolean;
  text: string;
}

const STATUS_LINE = /^HTTP\/1\.[01] (\d{3})(?: [^\r\n]*)?\r\n/;

export function parseReply(bytes: Buffer): RawReply {
  const text = bytes.toString("latin1");
  const match = STATUS_LINE.exec(text);
  return { status: match ? Number(match[1]) : undefined, wellFormed: Boolean(match), text };
}

/**
 * Bytes of the first final response in `bytes` (interim 1xx ones skipped), or undefined while it
 * is incomplete: its head, then Content-Length bytes of body. 101 ends at its head.
 */
function completeResponseLength(bytes: Buffer): number | undefined {
  let start = 0;
  for (;;) {
    const headEnd = bytes.indexOf("\r\n\r\n", start);
    if (headEnd < 0) return undefined;
    const head = bytes.subarray(start, headEnd).toString("latin1");
    const status = Number(STATUS_LINE.exec(`${head}\r\n`)?.[1]);
    if (status >= 100 && status < 200 && status !== 101) {
      start = headEnd + 4;
      continue;
    }
    const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
    const end = headEnd + 4 + (status === 101 ? 0 : length);
    return bytes.length >= end ? end : undefined;
  }
}

/**
 * Opens a TCP connection to 127.0.0.1:`port`, writes `bytes`, and collects the reply: the first
 * complete response, or whatever came before the server closed (bounded by `timeoutMs`; a
 * timeout rejects). The client never half-closes: Node drops the pending response of a request
 * whose client has ended.
 */
export function rawExchange(port: number, bytes: string | Uint8Array, { timeoutMs = 5000, localAddress }: { timeoutMs?: number; localAddress?: string } = {}): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    let received = Buffer.alloc(0);
    const socket = connect({ port, host: "127.0.0.1", localAddress }, () => socket.write(bytes));
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no reply within ${timeoutMs} ms; got ${JSON.stringify(received.toString("latin1").slice(0, 200))}`));
    }, timeoutMs);
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(parseReply(received));
    };
    socket.on("data", (chunk) => {
      received = Buffer.concat([received, chunk]);
      if (completeResponseLength(received) !== undefined) done();
    });
    socket.on("error", () => {}); // a reset after the reply is still a reply
    socket.on("close", done);
  });
}

/** A socket that connects and then sends only what the test writes: slowloris, half-sent frames. */
export function openRaw(port: number, localAddress?: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: "127.0.0.1", localAddress }, () => resolve(socket));
    socket.once("error", reject);
    // Flowing, so that the server's FIN is seen ('close') even when the test reads nothing.
    socket.resume();
  });
}

/** GET `path` from `localAddress` (another loopback address than the load's), with its latency. */
export function timedGet(port: number, path: string, localAddress: string, timeoutMs = 10_000): Promise<{ status: number; ms: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, localAddress, agent: false, timeout: timeoutMs }, (response) => {
      response.resume();
      response.on("end", () => resolve({ status: response.statusCode!, ms: performance.now() - started }));
    });
    req.on("timeout", () => req.destroy(new Error(`GET ${path} took over ${timeoutMs} ms`)));
    req.on("error", reject);
    req.end();
  });
}

/** A WebSocket upgrade request's head, for tests that break one part of it. */
export function upgradeRequest(overrides: { target?: string; method?: string; headers?: Record<string, string | undefined> } = {}): string {
  const headers: Record<string, string | undefined> = {
    host: "127.0.0.1",
    upgrade: "websocket",
    connection: "Upgrade",
    "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==",
    "sec-websocket-version": "13",
    ...overrides.headers,
  };
  const lines = Object.entries(headers)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([name, value]) => `${name}: ${value}`);
  return `${overrides.method ?? "GET"} ${overrides.target ?? "/ws"} HTTP/1.1\r\n${lines.join("\r\n")}\r\n\r\n`;
}

/** GET `path` from `localAddress`: status and body text. */
export function getFrom(port: number, path: string, localAddress: string, headers: Record<string, string> = {}): Promise<{ status: number; text: string; headers: Record<string, string | string[] | undefined> }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, localAddress, agent: false, headers }, (response) => {
      let text = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => (text += chunk));
      response.on("end", () => resolve({ status: response.statusCode!, text, headers: response.headers }));
    });
    req.on("error", reject);
    req.end();
  });
}

/** One metric's value from a Prometheus text page (0 when absent). */
export function metricValue(text: string, name: string): number {
  const line = text.split("\n").find((l) => l.startsWith(`switchboard_${name} `) || l.startsWith(`switchboard_${name}{`));
  return line ? Number(line.split(" ").at(-1)) : 0;
}
