/**
 * The group-call part of `npm run bench`: the client side's cost of a group call as it grows,
 * mesh against SFU in the same run. Janus and the users' browsers run in a network namespace
 * of the bench's own (as in e2e/sfu-call.test.ts, with the same support code); two Switchboard
 * servers run in this process: one without JANUS_URL (meshes), one with it (every call through
 * Janus). For each size, one call of each, alternating which goes first; fresh browsers per call.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { CHROMIUM_EXECUTABLE } from "../../packages/server/test/support/chromium.js";
import { startMediaStage } from "../../e2e/support/media-stage.js";
import type { Options } from "./options.js";
import { ownCpus, pinSelf } from "./servers.js";
import { runGroupCall, type GroupCallMedia, type GroupCallRun } from "./workloads/group-calls.js";

export interface GroupCallResults {
  /** Why nothing was measured (this machine cannot run it), if so. */
  skipped?: string;
  runs: GroupCallRun[];
}

type Log = (line: string) => void;

export async function runGroupCallBench(params: Options["groupCalls"], log: Log): Promise<GroupCallResults> {
  const missing = missingPrerequisite();
  if (missing) {
    log(`group calls: skipped: ${missing}`);
    return { skipped: missing, runs: [] };
  }
  // The browsers and Janus it starts inherit its CPUs: the generator's pin (one CPU) is lifted
  // meanwhile, so that they share the machine as they would any desktop's cores.
  const pinnedTo = ownCpus();
  pinSelf(`0-${availableParallelism() - 1}`);
  try {
    return await measure(params, log);
  } finally {
    pinSelf(pinnedTo);
  }
}

async function measure(params: Options["groupCalls"], log: Log): Promise<GroupCallResults> {
  const runs: GroupCallRun[] = [];
  const stage = await startMediaStage();
  try {
    const servers: Record<GroupCallMedia, Awaited<ReturnType<typeof stage.startServer>>> = {
      mesh: await stage.startServer({ janusUrl: undefined }),
      sfu: await stage.startServer(),
    };
    for (const [index, participants] of params.sizes.entries()) {
      const order: GroupCallMedia[] = index % 2 === 0 ? ["mesh", "sfu"] : ["sfu", "mesh"];
      for (const media of order) {
        const run = await runGroupCall(stage, servers[media], media, participants, params);
        runs.push(run);
        const each = (pick: (cost: GroupCallRun["costs"][number]) => number, digits = 0) => run.costs.map((cost) => pick(cost).toFixed(digits)).join("/");
        log(
          `group call ${media} x${participants}: upstream ${each((c) => c.upstreamKbps)} kbit/s, renderer+GPU CPU ${each((c) => c.rendererGpuCpu * 100)} %, ` +
            `video streams sent ${each((c) => c.videoStreams)} on ${each((c) => c.videoConnections)} connection(s)`,
        );
      }
    }
  } catch (error) {
    throw new Error(`group calls: ${(error as Error).message}\njanus log (tail):\n${stage.janus.logs().slice(-3000)}`, { cause: error });
  } finally {
    await stage.close();
  }
  return { runs };
}

/** What this machine lacks to run the group calls (root for the namespace, Janus, Chromium, iproute2), or null. */
function missingPrerequisite(): string | null {
  if (process.getuid?.() !== 0) return "needs root (a network namespace for Janus and the browsers)";
  if (!existsSync(CHROMIUM_EXECUTABLE)) return `needs Chromium at ${CHROMIUM_EXECUTABLE} (Debian package chromium)`;
  for (const [command, debianPackage] of [["janus", "janus"], ["ip", "iproute2"]] as const) {
    try {
      execFileSync("sh", ["-c", `command -v ${command}`], { stdio: "ignore" });
    } catch {
      return `needs ${command} (Debian package ${debianPackage})`;
    }
  }
  return null;
}
