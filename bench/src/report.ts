/** The run's results, the targets they are judged by, and the Markdown report. */
import type { ClusterResults } from "./cluster-bench.js";
import type { GroupCallResults } from "./group-calls-bench.js";
import type { ServerKind } from "./servers.js";
import { median, summarize, type Summary } from "./stats.js";
import { callsPerMessage, type CrossNodeRelayRun } from "./workloads/cross-node-relay.js";
import type { IdleRun } from "./workloads/idle-memory.js";
import { isExact, type StormRun } from "./workloads/join-storm.js";
import type { StreamRun } from "./workloads/relay.js";

/** Runs per server; "baseline" is a second Switchboard build (`--baseline`). */
export type StreamLabel = ServerKind | "baseline";
export type StreamRuns = Record<ServerKind, StreamRun[]> & { baseline?: StreamRun[] };

export interface Results {
  date: string;
  commit: string;
  /** packages/server or packages/protocol had uncommitted changes. */
  dirty: boolean;
  mode: "quick" | "full";
  machine: { cpus: number; client: string; model: string; node: string; pinned: boolean; generatorNofile: number };
  relay?: StreamRuns;
  latency?: { rate: number; runs: StreamRuns };
  storm?: StormRun[];
  /** The same storms against the `--baseline` build. */
  stormBaseline?: StormRun[];
  /** Storms of users spread over rooms (`StormRun.rooms` > 1), and against the baseline build. */
  roomStorm?: StormRun[];
  roomStormBaseline?: StormRun[];
  fanOut?: { users: number; runs: Partial<Record<ServerKind, number[]>> };
  idle?: IdleRun[];
  /** Relay across the nodes of a cluster, a storm over its nodes, each against one node. */
  cluster?: ClusterResults;
  /** Group calls in Chromium: each participant's upstream and CPU, mesh against SFU. */
  groupCalls?: GroupCallResults;
  targets: Target[];
  warnings: string[];
  durationSeconds?: number;
}

export interface Target {
  name: string;
  value: string;
  target: string;
  pass: boolean;
}

/** Server CPU time per delivered message, µs: the cost that noise from other tenants distorts least. */
export const cpuPerMessage = (run: StreamRun) => (run.cpu.server * 1e6) / run.messagesPerSecond;

const med = (runs: StreamRun[] | undefined, pick: (run: StreamRun) => number) => median((runs ?? []).map(pick));

export function evaluateTargets(results: Results): Target[] {
  const targets: Target[] = [];
  const add = (name: string, value: number, target: string, pass: boolean, digits = 2) => {
    if (Number.isFinite(value)) targets.push({ name, value: value.toFixed(digits), target, pass });
  };
  if (results.relay) {
    const ratio = med(results.relay.switchboard, (r) => r.messagesPerSecond) / med(results.relay.bare, (r) => r.messagesPerSecond);
    add("relay throughput, Switchboard / bare", ratio, ">= 0.90", ratio >= 0.9);
    const cost = med(results.relay.bare, cpuPerMessage) / med(results.relay.switchboard, cpuPerMessage);
    add("relay messages per server CPU-second, Switchboard / bare (info: less noisy)", cost, ">= 0.90", cost >= 0.9);
  }
  if (results.latency) {
    const ratio = med(results.latency.runs.switchboard, (r) => r.latencyMs.p99) / med(results.latency.runs.bare, (r) => r.latencyMs.p99);
    add(`p99 at ${results.latency.rate} msg/s, Switchboard / bare`, ratio, "<= 1.20", ratio <= 1.2);
  }
  const clusterRelay = results.cluster?.relay;
  const allStreams = [
    ...Object.values(results.relay ?? {}),
    ...Object.values(results.latency?.runs ?? {}),
    ...(clusterRelay ? [clusterRelay.oneNode, clusterRelay.cluster] : []),
  ].flat();
  if (allStreams.length > 0) {
    const faults = allStreams.reduce((n, r) => n + r.integrity.lost + r.integrity.duplicated + r.integrity.reordered, 0);
    add("lost + duplicated + reordered messages (all servers)", faults, "= 0", faults === 0, 0);
  }
  if (results.storm) {
    for (const [users, limitMs] of [[1000, 1000], [5000, 10_000]] as const) {
      const runs = results.storm.filter((run) => run.users === users);
      if (runs.length === 0) continue;
      const ms = runs.some((run) => !run.converged) ? Number.POSITIVE_INFINITY : median(runs.map((run) => run.ms));
      targets.push({ name: `join storm of ${users}, ms to converge`, value: ms.toFixed(0), target: `< ${limitMs}`, pass: ms < limitMs });
    }
    const sizes = [...new Set(results.storm.map((run) => run.users))].sort((a, b) => a - b);
    const small = sizes[0];
    const large = sizes[sizes.length - 1];
    if (small !== undefined && large !== undefined && large > small) {
      const bytes = (users: number) => median(results.storm!.filter((run) => run.users === users).map((run) => run.bytes));
      const exponent = Math.log(bytes(large) / bytes(small)) / Math.log(large / small);
      add(`join storm bytes growth exponent (${small}..${large} users)`, exponent, "<= 2.00", exponent <= 2.0);
    }
  }
  if (results.roomStorm && results.roomStorm.length > 0) {
    const { users, rooms } = results.roomStorm[0]!;
    const exact = results.roomStorm.every(isExact);
    const ms = median(results.roomStorm.map((run) => run.ms));
    targets.push({
      name: `join storm of ${users} in ${rooms} rooms, ms until every view holds exactly its room`,
      value: exact ? ms.toFixed(0) : "views not exact",
      target: "< 1000",
      pass: exact && ms < 1000,
    });
  }
  for (const run of results.idle ?? []) {
    if (run.server !== "switchboard" || run.baseline) continue;
    // That target is set at 5000 users. Quick runs log in 1000, too few to share the heap a
    // login burst grows: their figure is in the memory table, not judged.
    if (run.mode === "logged-in" && run.connections < 5000) continue;
    const kb = run.rssBytesPerConnection / 1024;
    add(`idle RSS per ${run.mode} connection at ${run.connections}, KB`, kb, "<= 12", kb <= 12, 1);
  }
  const fanOut = results.fanOut?.runs.switchboard;
  if (fanOut) {
    const ms = median(fanOut);
    add(`chat fan-out to ${results.fanOut!.users} users, ms`, ms, "< 50", ms < 50, 1);
  }
  return targets;
}

const fmt = (s: Summary, digits = 0) =>
  s.n === 0 ? "n/a" : `${s.median.toFixed(digits)} (${s.min.toFixed(digits)}–${s.max.toFixed(digits)})`;
const pct = (s: Summary) => (s.n === 0 ? "n/a" : `${Math.round(s.median * 100)} %`);

function streamTable(runs: StreamRuns): string[] {
  const lines = [
    "| server | msg/s | p50 ms | p99 ms | max ms | server CPU | server µs/msg | generator CPU | lost / dup / reordered |",
    "|---|---|---|---|---|---|---|---|---|",
  ];
  for (const [kind, list] of Object.entries(runs)) {
    const s = (pick: (run: StreamRun) => number) => summarize(list.map(pick));
    const faults = ["lost", "duplicated", "reordered"].map((key) => list.reduce((n, r) => n + r.integrity[key as "lost"], 0));
    lines.push(
      `| ${kind} | ${fmt(s((r) => r.messagesPerSecond))} | ${fmt(s((r) => r.latencyMs.p50), 2)} | ${fmt(s((r) => r.latencyMs.p99), 2)} | ` +
        `${fmt(s((r) => r.latencyMs.max), 1)} | ${pct(s((r) => r.cpu.server))} | ${fmt(s(cpuPerMessage), 1)} | ${pct(s((r) => r.cpu.generator))} | ${faults.join(" / ")} |`,
    );
  }
  return lines;
}

/** The storm spread over rooms next to the single-room storm of as many users, same run. */
function roomStormTable(results: Results): string[] {
  const { users, rooms } = results.roomStorm![0]!;
  const lines = [
    `### Join storm in rooms: ${users} users in ${rooms} rooms, against ${users} in one room (same run)`,
    "",
    "| build | rooms | ms to converge | server CPU ms | MB sent | views exact |",
    "|---|---|---|---|---|---|",
  ];
  const row = (build: string, runs: StormRun[]) => {
    if (runs.length === 0) return;
    const exact = runs.filter(isExact).length;
    const seen = runs.reduce((n, run) => n + run.leaks, 0);
    const wrong = runs.reduce((n, run) => n + run.wrongRoom, 0);
    const note = runs[0]!.rooms === 1 ? "(one room)" : exact === runs.length ? `yes (${exact}/${runs.length})` : `**no** (${exact}/${runs.length}; ${seen} members of other rooms seen, ${wrong} welcomes in the wrong room)`;
    lines.push(
      `| ${build} | ${runs[0]!.rooms} | ${fmt(summarize(runs.filter((r) => r.converged).map((r) => r.ms)))} | ${fmt(summarize(runs.map((r) => r.ms * r.cpu.server)))} | ` +
        `${fmt(summarize(runs.map((r) => r.bytes / 1e6)), 1)} | ${note} |`,
    );
  };
  const sameUsers = (runs: StormRun[] | undefined) => (runs ?? []).filter((run) => run.users === users);
  row("switchboard", sameUsers(results.storm));
  row("switchboard", results.roomStorm!);
  row("baseline", sameUsers(results.stormBaseline));
  row("baseline", results.roomStormBaseline ?? []);
  return lines;
}

/** The cluster's relay and storm, each next to one node in the same run. */
function clusterTables(cluster: ClusterResults): string[] {
  const lines: string[] = [];
  const micros = (pick: (run: StreamRun) => number | undefined) => (run: StreamRun) => ((pick(run) ?? Number.NaN) * 1e6) / run.messagesPerSecond;
  if (cluster.relay) {
    const { nodes, oneNode, cluster: across } = cluster.relay;
    lines.push(
      `### Cluster: relay between users on different nodes (${nodes} nodes, one Redis), against one node (same run)`,
      "",
      "| setup | msg/s | p50 ms | p99 ms | max ms | nodes' CPU | nodes µs/msg | redis CPU | redis µs/msg | generator CPU | lost / dup / reordered |",
      "|---|---|---|---|---|---|---|---|---|---|---|",
    );
    for (const [setup, runs] of [["one node", oneNode], [`${nodes} nodes, partners apart`, across]] as const) {
      const s = (pick: (run: CrossNodeRelayRun) => number) => summarize(runs.map(pick));
      const faults = ["lost", "duplicated", "reordered"].map((key) => runs.reduce((n, r) => n + r.integrity[key as "lost"], 0));
      lines.push(
        `| ${setup} | ${fmt(s((r) => r.messagesPerSecond))} | ${fmt(s((r) => r.latencyMs.p50), 2)} | ${fmt(s((r) => r.latencyMs.p99), 2)} | ${fmt(s((r) => r.latencyMs.max), 1)} | ` +
          `${pct(s((r) => r.cpu.server))} | ${fmt(s(micros((r) => r.cpu.server)), 1)} | ${pct(s((r) => r.cpu.redis ?? Number.NaN))} | ${fmt(s(micros((r) => r.cpu.redis)), 1)} | ` +
          `${pct(s((r) => r.cpu.generator))} | ${faults.join(" / ")} |`,
      );
    }
    const ratio = (pick: (run: StreamRun) => number) => med(across, pick) / med(oneNode, pick);
    const total = micros((r) => r.cpu.server + (r.cpu.redis ?? 0));
    lines.push(
      "",
      `Across nodes / one node: msg/s ${ratio((r) => r.messagesPerSecond).toFixed(2)}×, p99 ${ratio((r) => r.latencyMs.p99).toFixed(2)}×, ` +
        `CPU per message ${ratio(micros((r) => r.cpu.server)).toFixed(2)}× (nodes), ${ratio(total).toFixed(2)}× (nodes + redis).`,
    );
    const perMessage = across.map(callsPerMessage);
    const sum = (calls: Record<string, number>, skip?: string) => Object.entries(calls).reduce((n, [name, count]) => (name === skip ? n : n + count), 0);
    const others = new Set(perMessage.flatMap((calls) => Object.keys(calls)).filter((name) => name !== "publish"));
    const othersPerSecond = median(across.map((run) => (sum(run.redisCalls ?? {}, "publish") * 1000) / run.phaseMs));
    lines.push(
      "",
      `Redis commands per relayed message (INFO commandstats from the first send to the last delivery, median of the cluster runs): ` +
        `**${median(perMessage.map((calls) => sum(calls))).toFixed(4)}** in all, of which publish ${median(perMessage.map((calls) => calls.publish ?? 0)).toFixed(4)}; ` +
        (others.size === 0
          ? "no other command."
          : `the others (${[...others].sort().join(", ")}) ${median(perMessage.map((calls) => sum(calls, "publish"))).toFixed(4)}, ` +
            `${othersPerSecond.toFixed(1)} per second: they come with time (node heartbeats), not with messages.`),
    );
  }
  if (cluster.storm) {
    const { nodes, users, oneNode, cluster: over } = cluster.storm;
    lines.push(
      "",
      `### Cluster: join storm of ${users} users spread over ${nodes} nodes (user i on node i mod ${nodes}), against one node (same run)`,
      "",
      "| setup | ms to converge | nodes' CPU ms | redis CPU ms | MB sent | frames sent | nodes' CPU | redis CPU | generator CPU |",
      "|---|---|---|---|---|---|---|---|---|",
    );
    for (const [setup, runs] of [["one node", oneNode], [`${nodes} nodes`, over]] as const) {
      const failed = runs.filter((run) => !run.converged).length;
      const s = (pick: (run: StormRun) => number) => summarize(runs.map(pick));
      lines.push(
        `| ${setup} | ${fmt(s((r) => r.ms))}${failed ? ` (${failed} did not converge)` : ""} | ${fmt(s((r) => r.ms * r.cpu.server))} | ${fmt(s((r) => r.ms * (r.cpu.redis ?? Number.NaN)))} | ` +
          `${fmt(s((r) => r.bytes / 1e6), 1)} | ${fmt(s((r) => r.frames))} | ${pct(s((r) => r.cpu.server))} | ${pct(s((r) => r.cpu.redis ?? Number.NaN))} | ${pct(s((r) => r.cpu.generator))} |`,
      );
    }
  }
  return lines;
}

/** Per call size, a mesh call and an SFU call of the same app: each participant's costs, median (min–max) over the participants. */
function groupCallTable(groupCalls: GroupCallResults): string[] {
  const title = "### Group calls in Chromium: mesh against SFU (per participant, same run)";
  if (groupCalls.skipped) return [title, "", `Not measured: ${groupCalls.skipped}.`];
  const window = groupCalls.runs[0]?.windowMs ?? 0;
  const lines = [
    title,
    "",
    `Fake camera 320x240 at 15 fps and microphone, each user in a Chromium of its own; ${(window / 1000).toFixed(0)} s windows once every user decodes every other one.`,
    "",
    "| participants | media | upstream kbit/s | video streams sent | on connections | renderer+GPU CPU | all browser CPU |",
    "|---|---|---|---|---|---|---|",
  ];
  for (const run of groupCalls.runs) {
    const s = (pick: (cost: GroupCallResults["runs"][number]["costs"][number]) => number) => summarize(run.costs.map(pick));
    lines.push(
      `| ${run.participants} | ${run.media} | ${fmt(s((c) => c.upstreamKbps))} | ${fmt(s((c) => c.videoStreams))} | ${fmt(s((c) => c.videoConnections))} | ` +
        `${pct(s((c) => c.rendererGpuCpu))} | ${pct(s((c) => c.browserCpu))} |`,
    );
  }
  return lines;
}

export function renderReport(results: Results): string {
  const out: string[] = [];
  const { machine } = results;
  out.push(`## Bench ${results.mode} run, ${results.date.slice(0, 16).replace("T", " ")} UTC, commit ${results.commit}${results.dirty ? " (server modified)" : ""}`);
  out.push("");
  out.push(`${machine.cpus} CPUs (${machine.model}), Node ${machine.node}, ${machine.client} client; ${machine.pinned ? "generator pinned to CPU 0, servers to CPU 1" : "not pinned"}. Figures: median (min–max) over repetitions.`);
  if (results.relay) {
    out.push("", "### Relay (closed loop, max throughput)", "", ...streamTable(results.relay));
  }
  if (results.latency) {
    out.push("", `### Latency at a fixed ${results.latency.rate} msg/s`, "", ...streamTable(results.latency.runs));
  }
  for (const [title, storm] of [["Switchboard", results.storm], ["baseline build", results.stormBaseline]] as const) {
    if (!storm) continue;
    out.push("", `### Join storm (${title}, modern clients)`, "", "| users | ms to converge | server CPU ms | MB sent | bytes / N² | server CPU | generator CPU |", "|---|---|---|---|---|---|---|");
    for (const users of [...new Set(storm.map((run) => run.users))]) {
      const runs = storm.filter((run) => run.users === users);
      const failed = runs.filter((run) => !run.converged).length;
      out.push(
        `| ${users} | ${fmt(summarize(runs.map((r) => r.ms)))}${failed ? ` (${failed} did not converge)` : ""} | ${fmt(summarize(runs.map((r) => r.ms * r.cpu.server)))} | ${fmt(summarize(runs.map((r) => r.bytes / 1e6)), 1)} | ` +
          `${fmt(summarize(runs.map((r) => r.bytes / users / users)), 1)} | ${pct(summarize(runs.map((r) => r.cpu.server)))} | ${pct(summarize(runs.map((r) => r.cpu.generator)))} |`,
      );
    }
  }
  if (results.roomStorm && results.roomStorm.length > 0) out.push("", ...roomStormTable(results));
  if (results.fanOut) {
    out.push("", `### Chat fan-out to ${results.fanOut.users} users (ms until the last has it)`, "", "| server | ms |", "|---|---|");
    for (const [kind, ms] of Object.entries(results.fanOut.runs)) out.push(`| ${kind} | ${fmt(summarize(ms), 1)} |`);
  }
  if (results.idle) {
    out.push("", "### Idle memory per connection (server, after GC)", "", "| server | mode | connections | RSS KB/conn | heap KB/conn | heap committed KB/conn | connect s | server open-file limit |", "|---|---|---|---|---|---|---|---|");
    for (const run of results.idle) {
      out.push(
        `| ${run.server}${run.baseline ? " (baseline)" : ""} | ${run.mode} | ${run.connections} | ${(run.rssBytesPerConnection / 1024).toFixed(1)} | ${(run.heapBytesPerConnection / 1024).toFixed(1)} | ${(run.heapCommittedBytesPerConnection / 1024).toFixed(1)} | ${(run.connectMs / 1000).toFixed(1)} | ${run.serverNofile} |`,
      );
    }
  }
  if (results.cluster) out.push("", ...clusterTables(results.cluster));
  if (results.groupCalls) out.push("", ...groupCallTable(results.groupCalls));
  out.push("", "### Targets", "", "| target | value | goal | |", "|---|---|---|---|");
  for (const target of results.targets) out.push(`| ${target.name} | ${target.value} | ${target.target} | ${target.pass ? "pass" : "**MISS**"} |`);
  for (const warning of results.warnings) out.push("", `> warning: ${warning}`);
  const misses = results.targets.filter((target) => !target.pass);
  out.push("", misses.length === 0 ? "All measured targets met." : `${misses.length} target(s) missed: ${misses.map((t) => t.name).join("; ")}.`);
  return out.join("\n");
}
