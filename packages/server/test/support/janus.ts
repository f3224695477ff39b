import type { ChildProcess } from "node:child_process";
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { WebSocket } from "ws";
import { cleanUpOnExit } from "./exit-cleanup.js";
import { stopChild } from "./child-stop.js";
import type { TestNetns } from "./netns.js";

/**
 * A real Janus (the Debian package) inside a test's network namespace, with only the videoroom
 * plugin and the WebSocket transport loaded, ICE on the namespace's veth end only (Janus skips
 * loopback), no STUN, and a config of its own in a temp dir.
 */
export interface RunningJanus {
  /** ws://<namespace address>:<port>, Janus's WebSocket API (for JANUS_URL). */
  readonly url: string;
  /** Everything Janus logged since it first started (restarts append), for failure messages. */
  logs(): string;
  /** SIGKILL, a crash: resolves once it has exited. It stays down until restart(). */
  kill(): Promise<void>;
  /** Kills it if running, starts it again on the same port; resolves once its WebSocket answers `info`. */
  restart(): Promise<void>;
  /** Stops it and removes its temp dir. Safe to call twice. */
  stop(): Promise<void>;
}

export interface JanusOptions {
  /** Its WebSocket port inside the namespace (a namespace of its own has every port free). */
  port?: number;
  /** Its RTP/RTCP port range, `min-max`. */
  rtpPorts?: string;
}

const JANUS_LIBRARIES = "/usr/lib/x86_64-linux-gnu/janus";
const START_TIMEOUT_MS = 10_000;

export async function startJanus(netns: TestNetns, options: JanusOptions = {}): Promise<RunningJanus> {
  const port = options.port ?? 8188;
  const dir = mkdtempSync(join(tmpdir(), "switchboard-janus-"));
  const logPath = join(dir, "janus.log");
  writeConfig(dir, netns, port, options.rtpPorts ?? "40000-40999");
  const url = `ws://${netns.address}:${port}`;

  let running: { child: ChildProcess; exited: Promise<void> } | null = null;
  const logs = () => {
    try {
      return readFileSync(logPath, "utf8");
    } catch {
      return "";
    }
  };

  const launch = async () => {
    const log = openSync(logPath, "a");
    const child = netns.spawn("janus", ["--configs-folder", dir, "--config", join(dir, "janus.jcfg"), "--disable-colors"], {
      stdio: ["ignore", log, log],
    });
    closeSync(log);
    let spawnError: Error | null = null;
    child.once("error", (error) => (spawnError = error));
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    running = { child, exited };
    const failure = () =>
      spawnError
        ? `cannot run janus (Debian package janus): ${spawnError.message}`
        : child.exitCode !== null || child.signalCode !== null
          ? `janus exited while starting:\n${logs()}`
          : null;
    await untilInfoAnswers(url, failure, logs);
  };

  const end = async (signal: "SIGTERM" | "SIGKILL") => {
    const current = running;
    running = null;
    await stopChild(current, signal);
  };

  const unregister = cleanUpOnExit(() => {
    running?.child.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  });
  const remove = () => {
    unregister();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await launch();
  } catch (error) {
    await end("SIGKILL");
    remove();
    throw error;
  }

  return {
    url,
    logs,
    kill: () => end("SIGKILL"),
    async restart() {
      await end("SIGKILL");
      await launch();
    },
    async stop() {
      await end("SIGTERM");
      remove();
    },
  };
}

/** janus.jcfg and the two module configs; plugin and transport folders of symlinks to just those two. */
function writeConfig(dir: string, netns: TestNetns, port: number, rtpPorts: string): void {
  const link = (kind: "plugins" | "transports", library: string) => {
    mkdirSync(join(dir, kind));
    symlinkSync(join(JANUS_LIBRARIES, kind, library), join(dir, kind, library));
  };
  link("plugins", "libjanus_videoroom.so");
  link("transports", "libjanus_websockets.so");
  mkdirSync(join(dir, "none"));
  writeFileSync(
    join(dir, "janus.jcfg"),
    `general: {
  configs_folder = "${dir}"
  plugins_folder = "${join(dir, "plugins")}"
  transports_folder = "${join(dir, "transports")}"
  events_folder = "${join(dir, "none")}"
  loggers_folder = "${join(dir, "none")}"
  debug_level = 4
  debug_timestamps = true
  server_name = "switchboard-test"
}
media: {
  rtp_port_range = "${rtpPorts}"
}
nat: {
  nice_debug = false
  full_trickle = false
  ice_enforce_list = "${netns.interfaceName}"
  ignore_mdns = true
}
plugins: {}
transports: {}
events: {}
loggers: {}
`,
  );
  writeFileSync(join(dir, "janus.plugin.videoroom.jcfg"), "general: {}\n");
  writeFileSync(
    join(dir, "janus.transport.websockets.jcfg"),
    `general: {
  json = "compact"
  ws = true
  ws_port = ${port}
  ws_ip = "${netns.address}"
  wss = false
}
admin: {
  admin_ws = false
  admin_wss = false
}
`,
  );
}

/** Resolves once Janus answers an `info` request on its WebSocket; throws as soon as `failure()` says it is gone. */
async function untilInfoAnswers(url: string, failure: () => string | null, logs: () => string): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (await answersInfo(url)) return;
    const reason = failure();
    if (reason !== null) throw new Error(reason);
    if (Date.now() > deadline) throw new Error(`janus did not answer on ${url} within ${START_TIMEOUT_MS} ms:\n${logs()}`);
    await delay(50);
  }
}

function answersInfo(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new WebSocket(url, "janus-protocol", { handshakeTimeout: 500 });
    const done = (answered: boolean) => {
      clearTimeout(timer);
      socket.removeAllListeners();
      socket.on("error", () => undefined);
      socket.terminate();
      resolve(answered);
    };
    const timer = setTimeout(() => done(false), 1_000);
    socket.once("open", () => socket.send(JSON.stringify({ janus: "info", transaction: "harness" })));
    socket.once("message", (data) => done(String(data).includes('"server_info"')));
    socket.once("error", () => done(false));
    socket.once("close", () => done(false));
  });
}
