/** Command-line options and the sizes each mode runs at. */
import { parseArgs } from "node:util";
import type { RelayParams } from "./workloads/relay.js";

export const WORKLOADS = ["relay", "latency", "storm", "idle", "fanout", "cluster", "groupcalls"] as const;
export type Workload = (typeof WORKLOADS)[number];

export interface Options {
  quick: boolean;
  workloads: Set<Workload>;
  reps: number;
  profile: boolean;
  switchboardCli: string | undefined;
  /** A second Switchboard build (its dist/cli.js) measured in the same run, interleaved, as "baseline". */
  baselineCli: string | undefined;
  client: "raw" | "ws";
  relay: { pairs: number; window: number; warmupMs: number; measureMs: number };
  latency: { pairs: number; warmupMs: number; measureMs: number; rate: number | undefined };
  /** `rooms`: the storm of `rooms.users` spread over `rooms.rooms` rooms, run with the single-room storms. */
  storm: { sizes: number[]; reps: number; concurrency: number; rooms: { users: number; rooms: number } };
  idle: { sizes: number[]; loggedIn: number };
  fanOut: { users: number; reps: number };
  /**
   * Relay between users on different nodes of a 2-node cluster, and a join storm spread over
   * 3 nodes, each against the same load on one node (no Redis) in the same run.
   */
  cluster: { relay: RelayParams & { reps: number }; storm: { users: number; reps: number; concurrency: number } };
  /** Group calls of the web app in Chromium, mesh against SFU (through Janus), at each size. */
  groupCalls: { sizes: number[]; settleMs: number; windowMs: number };
}

export const USAGE = `Usage: npm run bench -- [--quick] [--only relay,latency,storm,idle,fanout,cluster,groupcalls] [--reps N] [--rate MSGS] [--profile] [--switchboard-cli PATH]
  --quick     small sizes, few repetitions (CI smoke test, under 2 minutes)
  --only      run only these workloads (groupcalls: mesh against SFU calls in Chromium; needs root, janus)
  --reps      repetitions of relay/latency/fan-out and the cluster relay (interleaved across servers)
  --rate      fixed rate for the latency workload (default: half the bare relay's measured maximum)
  --profile   write a V8 CPU profile of each Switchboard child to .bench-results/profiles
  --client    the generator's WebSocket client: raw (lean, default) or ws
  --switchboard-cli PATH   measure another build of Switchboard (its dist/cli.js), e.g. a git worktree
  --baseline PATH   also measure this build of Switchboard (its dist/cli.js) in the same run, interleaved
                    with the others (relay, latency, storm, logged-in idle), reported as "baseline"`;

export function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: "boolean", default: false },
      only: { type: "string" },
      reps: { type: "string" },
      rate: { type: "string" },
      profile: { type: "boolean", default: false },
      "switchboard-cli": { type: "string" },
      baseline: { type: "string" },
      client: { type: "string", default: "raw" },
      help: { type: "boolean", short: "h", default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const workloads = new Set<Workload>(WORKLOADS);
  if (values.only) {
    workloads.clear();
    for (const name of values.only.split(",")) {
      if (!(WORKLOADS as readonly string[]).includes(name)) throw new Error(`unknown workload "${name}"\n${USAGE}`);
      workloads.add(name as Workload);
    }
  }
  const quick = values.quick;
  const reps = values.reps ? Number(values.reps) : quick ? 2 : 5;
  return {
    quick,
    workloads,
    reps,
    profile: values.profile,
    switchboardCli: values["switchboard-cli"],
    baselineCli: values.baseline,
    client: values.client === "ws" ? "ws" : "raw",
    relay: quick
      ? { pairs: 16, window: 8, warmupMs: 300, measureMs: 1000 }
      : { pairs: 32, window: 8, warmupMs: 1000, measureMs: 4000 },
    latency: {
      ...(quick ? { pairs: 16, warmupMs: 300, measureMs: 1000 } : { pairs: 32, warmupMs: 1000, measureMs: 3000 }),
      rate: values.rate ? Number(values.rate) : undefined,
    },
    storm: {
      ...(quick ? { sizes: [250, 1000], reps: 1 } : { sizes: [250, 1000, 2500, 5000], reps: 3 }),
      concurrency: 256,
      rooms: { users: 1000, rooms: 100 },
    },
    idle: quick ? { sizes: [2000], loggedIn: 1000 } : { sizes: [5000, 10000, 20000], loggedIn: 5000 },
    fanOut: { users: 1000, reps: quick ? 5 : 20 },
    // Quick: a few seconds in all, process starts included (CI runs it).
    cluster: quick
      ? { relay: { pairs: 16, window: 8, warmupMs: 200, measureMs: 500, reps: values.reps ? reps : 1 }, storm: { users: 250, reps: 1, concurrency: 256 } }
      : { relay: { pairs: 32, window: 8, warmupMs: 1000, measureMs: 4000, reps }, storm: { users: 1000, reps: 3, concurrency: 256 } },
    groupCalls: quick ? { sizes: [2, 3], settleMs: 1000, windowMs: 3000 } : { sizes: [2, 3, 4, 5], settleMs: 3000, windowMs: 8000 },
  };
}
