import { spawn, type ChildProcess } from "node:child_process";
import { createHmac, randomBytes } from "node:crypto";
import { createSocket } from "node:dgram";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * A real coturn (Debian's `turnserver`) on 127.0.0.1 for the TURN tests: its own listening port
 * and relay port range, `use-auth-secret` with a generated secret (Switchboard's TURN_SECRET
 * scheme), loopback peers allowed (coturn denies them by default), no TLS/DTLS, no CLI.
 */
export interface Coturn {
  readonly port: number;
  /** turn:127.0.0.1:<port>?transport=udp, for TURN_URLS. */
  readonly url: string;
  /** coturn's static-auth-secret. */
  readonly secret: string;
  /** Everything coturn logged, for failure messages. */
  readonly log: () => string;
  stop(): Promise<void>;
  /** Starts it again with the same config and ports (after stop()). */
  start(): Promise<void>;
  /** Stops it and removes its files. */
  dispose(): Promise<void>;
}

const RELAY_PORTS = 100;
const START_TIMEOUT_MS = 10_000;

export async function startCoturn(secret = randomBytes(16).toString("hex")): Promise<Coturn> {
  const port = await freePort();
  const minPort = await freeUdpRange(RELAY_PORTS);
  const dir = mkdtempSync(join(tmpdir(), "switchboard-coturn-"));
  const config = join(dir, "turnserver.conf");
  writeFileSync(
    config,
    [
      "listening-ip=127.0.0.1",
      "relay-ip=127.0.0.1",
      `listening-port=${port}`,
      `min-port=${minPort}`,
      `max-port=${minPort + RELAY_PORTS - 1}`,
      // coturn refuses loopback peers by default; here both ends of every call are on 127.0.0.1.
      "allow-loopback-peers",
      "allowed-peer-ip=127.0.0.1",
      "use-auth-secret",
      `static-auth-secret=${secret}`,
      "realm=switchboard.test",
      "fingerprint",
      "no-cli",
      "no-tls",
      "no-dtls",
      "no-tcp-relay",
      "no-rfc5780",
      "no-multicast-peers",
      `userdb=${join(dir, "turndb")}`,
      `pidfile=${join(dir, "turnserver.pid")}`,
      "log-file=stdout",
      // COTURN_VERBOSE=1 logs every allocation and permission (read them with log()).
      ...(process.env.COTURN_VERBOSE ? ["verbose"] : []),
      "simple-log",
      "",
    ].join("\n"),
  );

  let child: ChildProcess | null = null;
  let output = "";
  const start = async () => {
    const turn = spawn("turnserver", ["-c", config], { stdio: ["ignore", "pipe", "pipe"] });
    child = turn;
    turn.stdout!.on("data", (chunk) => (output += String(chunk)));
    turn.stderr!.on("data", (chunk) => (output += String(chunk)));
    const exited = new Promise<never>((_, reject) => {
      turn.once("error", (error) => reject(new Error(`cannot run turnserver (Debian package coturn): ${error.message}`)));
      turn.once("exit", (code) => reject(new Error(`turnserver exited (${code}) while starting:\n${output}`)));
    });
    exited.catch(() => undefined);
    await Promise.race([untilStunAnswers(port), exited]);
  };
  const stop = async () => {
    const turn = child;
    child = null;
    if (!turn || turn.exitCode !== null) return;
    const exited = new Promise((resolve) => turn.once("exit", resolve));
    turn.kill("SIGTERM");
    const timer = setTimeout(() => turn.kill("SIGKILL"), 3_000);
    await exited;
    clearTimeout(timer);
  };
  await start();
  return {
    port,
    url: `turn:127.0.0.1:${port}?transport=udp`,
    secret,
    log: () => output,
    start,
    stop,
    async dispose() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A TURN REST credential as coturn's `use-auth-secret` checks it (and Switchboard issues it):
 * user name `<expiry unix time>:<user>`, password base64 HMAC-SHA1 of that name keyed with the secret.
 */
export function turnCredential(secret: string, user: string, expiresAtSeconds: number): { username: string; credential: string } {
  const username = `${expiresAtSeconds}:${user}`;
  return { username, credential: createHmac("sha1", secret).update(username).digest("base64") };
}

/** A STUN Binding request (RFC 5389): type 0x0001, length 0, magic cookie, transaction id. */
function bindingRequest(): Buffer {
  const header = Buffer.alloc(20);
  header.writeUInt16BE(0x0001, 0);
  header.writeUInt32BE(0x2112a442, 4);
  randomBytes(12).copy(header, 8);
  return header;
}

/** Resolves once coturn answers STUN on `port` (sends a Binding request every 50 ms until then). */
function untilStunAnswers(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = createSocket("udp4");
    const send = () => socket.send(bindingRequest(), port, "127.0.0.1");
    const retry = setInterval(send, 50);
    const deadline = setTimeout(() => finish(new Error(`turnserver did not answer STUN on ${port} within ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS);
    const finish = (error?: Error) => {
      clearInterval(retry);
      clearTimeout(deadline);
      socket.close();
      if (error) reject(error);
      else resolve();
    };
    socket.on("message", (message) => message.readUInt16BE(0) === 0x0101 && finish());
    socket.on("error", () => undefined); // ICMP "port unreachable" before coturn listens.
    send();
  });
}

/** A port free for both TCP and UDP on 127.0.0.1 (coturn listens on both). */
async function freePort(): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = createServer().once("error", reject);
      server.listen(0, "127.0.0.1", () => {
        const { port: bound } = server.address() as { port: number };
        server.close(() => resolve(bound));
      });
    });
    if (await udpFree(port)) return port;
  }
}

/** The first of `count` consecutive UDP ports that are all free (for coturn's relay range). */
async function freeUdpRange(count: number): Promise<number> {
  for (;;) {
    const base = 20_000 + Math.floor(Math.random() * 30_000);
    const free = await Promise.all(Array.from({ length: count }, (_, i) => udpFree(base + i)));
    if (free.every(Boolean)) return base;
  }
}

function udpFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createSocket("udp4");
    socket.once("error", () => resolve(false));
    socket.bind(port, "127.0.0.1", () => socket.close(() => resolve(true)));
  });
}
