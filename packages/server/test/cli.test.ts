// Points 1 and 7 of the server issue: `npm start`'s server process, its config and its logs.
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { createTokenVerifier } from "../src/auth/token-verifier.js";
import { builtCli } from "./support/cli-process.js";
import { freePort } from "./support/free-port.js";

const root = fileURLToPath(new URL("../../..", import.meta.url));
let cli: string;
const children: ChildProcess[] = [];

beforeAll(() => {
  cli = builtCli();
});
afterEach(() => {
  for (const child of children.splice(0)) child.kill("SIGKILL");
});

interface Run {
  child: ChildProcess;
  stdout: string[];
  stderr: string;
  exit: Promise<number | null>;
}

function start(args: string[], env: Record<string, string> = {}): Run {
  const child = spawn(process.execPath, [cli, ...args], { env: { PATH: process.env.PATH, ...env }, cwd: root });
  children.push(child);
  const run: Run = { child, stdout: [], stderr: "", exit: new Promise((resolve) => child.once("exit", resolve)) };
  let partial = "";
  child.stdout!.on("data", (chunk: Buffer) => {
    const lines = (partial + chunk.toString()).split("\n");
    partial = lines.pop()!;
    run.stdout.push(...lines);
  });
  child.stderr!.on("data", (chunk: Buffer) => (run.stderr += chunk.toString()));
  return run;
}

/** Waits for the JSON log line saying the server listens and returns it. */
async function listening(run: Run): Promise<{ port: number; url: string }> {
  await expect.poll(() => run.stdout.some((line) => line.includes("switchboard listening")), { timeout: 10_000 }).toBe(true);
  return JSON.parse(run.stdout.find((line) => line.includes("switchboard listening"))!);
}

describe("the server process", () => {
  it("listens on PORT and HOST from the environment and logs JSON", async () => {
    const run = start([], { PORT: "0", HOST: "127.0.0.1" });
    const line = await listening(run);
    expect(line).toMatchObject({ level: 30, msg: "switchboard listening" });
    const response = await fetch(`http://127.0.0.1:${line.port}/healthz`);
    expect(response.status).toBe(200);
  });

  it("lets --port and --host win over the environment", async () => {
    const run = start(["--port", "0", "--host", "127.0.0.1"], { PORT: "1" });
    const { port } = await listening(run);
    expect(port).not.toBe(1);
  });

  it("drains and exits 0 on SIGTERM", async () => {
    const run = start(["--port", "0", "--host", "127.0.0.1"]);
    await listening(run);
    run.child.kill("SIGTERM");
    expect(await run.exit).toBe(0);
  });

  it("logs nothing at info level when LOG_LEVEL=warn", async () => {
    const port = await freePort();
    const run = start(["--port", String(port), "--host", "127.0.0.1"], { LOG_LEVEL: "warn" });
    await expect
      .poll(() => fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.status, () => 0), { timeout: 10_000 })
      .toBe(200);
    run.child.kill("SIGTERM");
    expect(await run.exit).toBe(0);
    expect(run.stdout.filter((line) => line.includes('"level":30'))).toEqual([]);
  });

  it.each([
    [{ PORT: "abc" }, [], /PORT \/ --port/],
    [{ PORT: "70000" }, [], /PORT/],
    [{ LOG_LEVEL: "loud" }, [], /LOG_LEVEL/],
    [{ TLS_CERT: "/tmp/cert.pem" }, [], /TLS_CERT and TLS_KEY must be set together/],
    [{ MAX_MESSAGE_BYTES: "100", HARD_MAX_MESSAGE_BYTES: "50" }, [], /HARD_MAX_MESSAGE_BYTES/],
    [{}, ["--no-such-flag"], /Invalid command line/],
  ])("stops at start-up with a clear message for %j %j", async (env, args, message) => {
    const run = start(args as string[], env as Record<string, string>);
    expect(await run.exit).toBe(2);
    expect(run.stderr).toMatch(message);
  });

  it("prints every option with --help", async () => {
    const run = start(["--help"]);
    expect(await run.exit).toBe(0);
    expect(run.stdout.join("\n")).toMatch(/--max-message-bytes\s+env MAX_MESSAGE_BYTES/);
  });

  it("mints a sign-in token with `token` that the server's verifier accepts, and refuses without a key", async () => {
    const secret = "a-cli-secret-of-more-than-32-characters";
    const run = start(["token", "--name", "ann", "--role", "moderator", "--rooms", "team,design", "--ttl", "120"], { JWT_SECRET: secret });
    expect(await run.exit).toBe(0);
    const verifier = createTokenVerifier({ auth: "jwt", jwtSecret: secret })!;
    const identity = await verifier.verify(run.stdout[0]!);
    expect(identity).toMatchObject({ name: "ann", role: "moderator", rooms: ["team", "design"] });
    expect(identity.expiresAt).toBeGreaterThan(Date.now() + 100_000);
    expect(identity.expiresAt).toBeLessThanOrEqual(Date.now() + 121_000);
    const keyless = start(["token", "--name", "ann"]);
    expect(await keyless.exit).toBe(2);
    expect(keyless.stderr).toMatch(/give a secret/);
  });
});
