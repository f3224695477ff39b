/**
 * `npm run bench [-- --quick]`: Switchboard against a bare `ws` relay and the PeerJS server,
 * each in its own pinned child process, repetitions interleaved, Switchboard clustered over
 * Redis against one node of it (cluster-bench.ts), and the web app's group calls in Chromium,
 * mesh against SFU (group-calls-bench.ts). Prints a Markdown report with
 * pass/fail ratios against the targets and appends one JSON line to .bench-results/results.jsonl.
 * Exits non-zero only when the bench itself fails, never because a target was missed.
 */
import { execFileSync } from "node:child_process";
import { appendFileSync, mkdirSync } from "node:fs";
import { availableParallelism, cpus } from "node:os";
import { fileURLToPath } from "node:url";
import { ADAPTERS, Connection } from "./clients/index.js";
import { runClusterBench } from "./cluster-bench.js";
import { runGroupCallBench } from "./group-calls-bench.js";
import { parseOptions, type Options } from "./options.js";
import { evaluateTargets, renderReport, type Results, type StreamLabel, type StreamRuns } from "./report.js";
import { pinSelf, raiseOwnNofile, readNofile, SERVER_KINDS, startServer, type RunningServer, type ServerKind, type ServerSetup } from "./servers.js";
import { median } from "./stats.js";
import { FanOutRoom } from "./workloads/fan-out.js";
import { runIdleMemory } from "./workloads/idle-memory.js";
import { isExact, runJoinStorm, type StormRun } from "./workloads/join-storm.js";
import { runFixedRate } from "./workloads/latency.js";
import { runRelay, type StreamRun } from "./workloads/relay.js";

const ROOT = fileURLToPath(new URL("../../../../", import.meta.url));
const RESULTS_DIR = `${ROOT}.bench-results`;
const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  Connection.transportKind = options.client;
  const started = performance.now();
  const cpuCount = availableParallelism();
  const twoCores = cpuCount >= 2;
  const pinned = twoCores && pinSelf(0);
  const generatorNofile = raiseOwnNofile(70_000);
  const setup: ServerSetup = {
    cpu: pinned ? 1 : undefined,
    nofile: generatorNofile >= 70_000 ? 70_000 : undefined,
    profileDir: options.profile ? `${RESULTS_DIR}/profiles` : undefined,
    switchboardCli: options.switchboardCli,
  };
  if (options.profile) mkdirSync(setup.profileDir!, { recursive: true });
  log(`${options.quick ? "quick" : "full"} run, ${options.client} client; generator ${pinned ? "on CPU 0, servers on CPU 1" : "not pinned"}; open-file limit ${generatorNofile}`);

  const results: Results = {
    date: new Date().toISOString(),
    commit: git("rev-parse", "--short", "HEAD"),
    dirty: git("status", "--porcelain", "--", "packages/server", "packages/protocol") !== "",
    mode: options.quick ? "quick" : "full",
    machine: { cpus: cpuCount, client: options.client, model: cpus()[0]?.model ?? "?", node: process.version, pinned, generatorNofile },
    warnings: [],
    targets: [],
  };

  if (options.workloads.has("relay")) results.relay = await interleaved(options, setup, (server) => runRelay(server, ADAPTERS[server.kind], options.relay), "relay");
  if (options.workloads.has("latency")) {
    const bareMax = results.relay ? median(results.relay.bare.map((run) => run.messagesPerSecond)) : Number.NaN;
    const rate = Math.round(options.latency.rate ?? (Number.isFinite(bareMax) ? bareMax / 2 : 10_000));
    log(`latency at a fixed ${rate} msg/s`);
    const runs = await interleaved(options, setup, (server) => runFixedRate(server, ADAPTERS[server.kind], { ...options.latency, rate }), "latency");
    results.latency = { rate, runs };
  }
  if (options.workloads.has("storm")) Object.assign(results, await joinStorms(options, setup));
  if (options.workloads.has("fanout")) results.fanOut = await fanOut(options, setup);
  if (options.workloads.has("idle")) results.idle = await idleMemory(options, setup);
  if (options.workloads.has("cluster")) results.cluster = await runClusterBench(options.cluster, setup, log);
  if (options.workloads.has("groupcalls")) results.groupCalls = await runGroupCallBench(options.groupCalls, log);

  results.targets = evaluateTargets(results);
  results.warnings.push(...generatorWarnings(results));
  results.durationSeconds = Math.round((performance.now() - started) / 1000);
  console.log(renderReport(results));
  mkdirSync(RESULTS_DIR, { recursive: true });
  appendFileSync(`${RESULTS_DIR}/results.jsonl`, `${JSON.stringify(results)}\n`);
  log(`done in ${results.durationSeconds} s; appended to .bench-results/results.jsonl`);
}

/** Runs `workload` reps times on each server, in the order A B C A B C ..., each server one process. */
async function interleaved(
  options: Options,
  setup: ServerSetup,
  workload: (server: RunningServer) => Promise<StreamRun>,
  label: string,
): Promise<StreamRuns> {
  const labels: StreamLabel[] = [...SERVER_KINDS];
  if (options.baselineCli) labels.splice(1, 0, "baseline");
  const servers = await Promise.all(labels.map((label) => startServer(label === "baseline" ? "switchboard" : label, serverSetup(label, options, setup))));
  const runs = { switchboard: [], bare: [], peerjs: [] } as StreamRuns;
  if (options.baselineCli) runs.baseline = [];
  try {
    for (let rep = 1; rep <= options.reps; rep++) {
      for (const [index, server] of servers.entries()) {
        const name = labels[index]!;
        const run = await workload(server);
        runs[name]!.push(run);
        const { integrity } = run;
        log(
          `${label} ${rep}/${options.reps} ${name.padEnd(11)} ${Math.round(run.messagesPerSecond)} msg/s, ` +
            `p50 ${run.latencyMs.p50.toFixed(2)} ms, p99 ${run.latencyMs.p99.toFixed(2)} ms, ` +
            `cpu server ${pct(run.cpu.server)} generator ${pct(run.cpu.generator)}, ` +
            `lost ${integrity.lost} dup ${integrity.duplicated} reordered ${integrity.reordered}`,
        );
      }
    }
  } finally {
    await Promise.all(servers.map((server) => server.stop()));
  }
  return runs;
}

async function joinStorms(options: Options, setup: ServerSetup): Promise<Pick<Results, "storm" | "stormBaseline" | "roomStorm" | "roomStormBaseline">> {
  const runs: StormRun[] = [];
  const baseline: StormRun[] = [];
  const roomRuns: StormRun[] = [];
  const roomBaseline: StormRun[] = [];
  const { rooms } = options.storm;
  // Each repetition: the single-room sizes, then the storm spread over rooms (same users as one of them).
  const plan = [...options.storm.sizes.map((users) => ({ users, rooms: 1 })), rooms];
  for (let rep = 1; rep <= options.storm.reps; rep++) {
    for (const storm of plan) {
      // With a baseline, the two builds alternate which goes first.
      const labels: ("switchboard" | "baseline")[] = !options.baselineCli ? ["switchboard"] : rep % 2 === 1 ? ["switchboard", "baseline"] : ["baseline", "switchboard"];
      for (const label of labels) {
        const server = await startServer("switchboard", serverSetup(label, options, setup));
        const run = await runJoinStorm(server, storm.users, options.storm.concurrency, Math.max(30_000, storm.users * 10), storm.rooms);
        const into = storm.rooms === 1 ? (label === "baseline" ? baseline : runs) : label === "baseline" ? roomBaseline : roomRuns;
        into.push(run);
        const where = storm.rooms === 1 ? "" : ` in ${storm.rooms} rooms`;
        const views = storm.rooms === 1 ? "" : isExact(run) ? ", views exact" : `, views NOT exact (${run.leaks} members of other rooms seen, ${run.wrongRoom} welcomes in the wrong room)`;
        log(`storm ${rep}/${options.storm.reps} ${label === "baseline" ? "baseline " : ""}${storm.users} users${where}: ${run.converged ? `${Math.round(run.ms)} ms (server CPU ${Math.round(run.ms * run.cpu.server)} ms)` : "did not converge"}${views}, ${mb(run.bytes)} MB, cpu server ${pct(run.cpu.server)} generator ${pct(run.cpu.generator)}`);
      }
    }
  }
  return {
    storm: runs,
    roomStorm: roomRuns,
    ...(options.baselineCli ? { stormBaseline: baseline, roomStormBaseline: roomBaseline } : {}),
  };
}

/** The setup for one of the servers: "baseline" is Switchboard from the `--baseline` build. */
function serverSetup(label: StreamLabel, options: Options, setup: ServerSetup): ServerSetup {
  return label === "baseline" ? { ...setup, switchboardCli: options.baselineCli } : setup;
}

async function fanOut(options: Options, setup: ServerSetup): Promise<Results["fanOut"]> {
  const kinds = SERVER_KINDS.filter((kind) => ADAPTERS[kind].broadcast);
  const servers = await Promise.all(kinds.map((kind) => startServer(kind, setup)));
  const rooms: FanOutRoom[] = [];
  const runs: Partial<Record<ServerKind, number[]>> = {};
  try {
    for (const server of servers) rooms.push(await FanOutRoom.open(server, ADAPTERS[server.kind], options.fanOut.users));
    for (let rep = 1; rep <= options.fanOut.reps; rep++) {
      for (const room of rooms) (runs[room.server.kind] ??= []).push(await room.broadcast(String(rep)));
    }
  } finally {
    await Promise.all(servers.map((server) => server.stop()));
    await Promise.all(rooms.map((room) => room.close()));
  }
  for (const [kind, ms] of Object.entries(runs)) log(`fan-out to ${options.fanOut.users} on ${kind}: median ${median(ms).toFixed(1)} ms`);
  return { users: options.fanOut.users, runs };
}

async function idleMemory(options: Options, setup: ServerSetup): Promise<Results["idle"]> {
  const runs: NonNullable<Results["idle"]> = [];
  const plan: [StreamLabel, "connected" | "logged-in", number][] = [];
  // Each side needs one descriptor per connection plus a few of its own.
  const limit = Math.min(readNofile("self"), setup.nofile ?? readNofile("self")) - 200;
  for (const wanted of options.idle.sizes) {
    const size = Math.min(wanted, limit);
    if (size < wanted) log(`idle: ${wanted} connections exceed the open-file limit; measuring ${size}`);
    for (const kind of SERVER_KINDS) plan.push([kind, "connected", size]);
  }
  plan.push(["switchboard", "logged-in", options.idle.loggedIn]);
  if (options.baselineCli) plan.push(["baseline", "logged-in", options.idle.loggedIn]);
  for (const [label, mode, size] of plan) {
    const kind = label === "baseline" ? "switchboard" : label;
    try {
      const run = await runIdleMemory(kind, mode, size, serverSetup(label, options, setup));
      runs.push(label === "baseline" ? { ...run, baseline: true } : run);
      log(`idle ${label} ${mode} x${size}: ${kb(run.rssBytesPerConnection)} KB RSS, ${kb(run.heapBytesPerConnection)} KB heap per connection (server open-file limit ${run.serverNofile})`);
    } catch (error) {
      log(`idle ${label} ${mode} x${size} failed: ${(error as Error).message}`);
    }
  }
  return runs;
}

function generatorWarnings(results: Results): string[] {
  const warnings: string[] = [];
  const check = (label: string, runs: Record<string, StreamRun[]> | undefined) => {
    for (const [kind, list] of Object.entries(runs ?? {})) {
      const generator = median(list.map((run) => run.cpu.generator));
      const server = median(list.map((run) => run.cpu.server));
      if (generator > 0.9 && generator > server) {
        warnings.push(`${label}/${kind}: the load generator used ${pct(generator)} of its core (server ${pct(server)}): it, not the server, may be the limit.`);
      } else if (label === "relay" && server < 0.8) {
        warnings.push(`${label}/${kind}: the server got only ${pct(server)} of its core at full load: the machine was busy; trust µs/msg over msg/s.`);
      }
    }
  };
  check("relay", results.relay);
  check("latency", results.latency?.runs);
  const clusterRelay = results.cluster?.relay;
  if (clusterRelay) check("cluster relay", { "one node": clusterRelay.oneNode, [`${clusterRelay.nodes} nodes`]: clusterRelay.cluster });
  return warnings;
}

function git(...args: string[]): string {
  try {
    return execFileSync("git", args, { cwd: ROOT, encoding: "utf8" }).trim();
  } catch {
    return "unknown";
  }
}

const pct = (fraction: number) => `${Math.round(fraction * 100)}%`;
const mb = (bytes: number) => (bytes / 1e6).toFixed(1);
const kb = (bytes: number) => (bytes / 1024).toFixed(1);

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
