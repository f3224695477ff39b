/**
 * One group call of N users of the real app, each in a Chromium of its own (fake camera,
 * 320x240), mesh or through Janus: once every user decodes every other one and a settling time
 * has passed, what each participant sends (upstream: outbound RTP bytes over all its
 * connections) and the CPU its browser's renderer and GPU processes use, over a window.
 */
import { setTimeout as delay } from "node:timers/promises";
import type { Browser } from "playwright-core";
import type { MediaStage, StageUser } from "../../../e2e/support/media-stage.js";
import { bytesSent, sentVideo } from "../../../e2e/support/rtp-stats.js";
import type { RunningServer } from "../../../e2e/support/server.js";

export type GroupCallMedia = "mesh" | "sfu";

export interface GroupCallParams {
  /** After media flows, before the window: the bandwidth estimate ramps up. */
  settleMs: number;
  windowMs: number;
}

export interface ParticipantCost {
  /** Outbound RTP payload, audio and video, kbit/s. */
  upstreamKbps: number;
  /** CPU time of the renderer and GPU processes per second of the window (1 = one core). */
  rendererGpuCpu: number;
  /** The same for every process of the user's browser. */
  browserCpu: number;
  /** Outbound video RTP streams (a simulcast layer counts as one) and the connections they go on. */
  videoStreams: number;
  videoConnections: number;
}

export interface GroupCallRun {
  media: GroupCallMedia;
  participants: number;
  windowMs: number;
  costs: ParticipantCost[];
}

const MEDIA_FLOWING_TIMEOUT_MS = 30_000;

export async function runGroupCall(stage: MediaStage, server: RunningServer, media: GroupCallMedia, participants: number, params: GroupCallParams): Promise<GroupCallRun> {
  const room = `bench-${media}-${participants}`;
  const names = Array.from({ length: participants }, (_, index) => `user${index + 1}`);
  const opened = await Promise.allSettled(names.map((name) => stage.openUser(server, name, room)));
  const users = opened.flatMap((result) => (result.status === "fulfilled" ? [result.value] : []));
  try {
    const failed = opened.find((result) => result.status === "rejected");
    if (failed) throw failed.reason;
    for (const user of users) await user.call.join();
    const said = users.map((user) => user.groupCallMedia());
    if (said.some((value) => value !== media)) throw new Error(`a ${media} call was announced as ${said.join(", ")}`);
    await untilEveryoneDecodesEveryone(users);
    await delay(params.settleMs);

    const before = await Promise.all(users.map(sample));
    const started = performance.now();
    await delay(params.windowMs);
    const after = await Promise.all(users.map(sample));
    const seconds = (performance.now() - started) / 1000;
    const costs = await Promise.all(
      users.map(async (user, index): Promise<ParticipantCost> => {
        const [from, to] = [before[index]!, after[index]!];
        const video = await sentVideo(user.call.page);
        return {
          upstreamKbps: ((to.bytes - from.bytes) * 8) / 1000 / seconds,
          rendererGpuCpu: (to.cpu.rendererGpu - from.cpu.rendererGpu) / seconds,
          browserCpu: (to.cpu.all - from.cpu.all) / seconds,
          videoStreams: video.length,
          videoConnections: new Set(video.map((stream) => stream.connection)).size,
        };
      }),
    );
    return { media, participants, windowMs: Math.round(seconds * 1000), costs };
  } finally {
    await Promise.allSettled(users.map((user) => user.close()));
  }
}

async function sample(user: StageUser): Promise<{ bytes: number; cpu: ProcessCpu }> {
  const [bytes, cpu] = await Promise.all([bytesSent(user.call.page), processCpu(user.browser.browser)]);
  return { bytes, cpu };
}

interface ProcessCpu {
  rendererGpu: number;
  all: number;
}

/** CPU seconds so far of the browser's processes, as Chromium counts them (CDP SystemInfo.getProcessInfo). */
async function processCpu(browser: Browser): Promise<ProcessCpu> {
  const session = await browser.newBrowserCDPSession();
  try {
    const { processInfo } = await session.send("SystemInfo.getProcessInfo");
    const sum = (types: string[] | null) => processInfo.filter((info) => types === null || types.includes(info.type)).reduce((total, info) => total + info.cpuTime, 0);
    return { rendererGpu: sum(["renderer", "GPU"]), all: sum(null) };
  } finally {
    await session.detach();
  }
}

/** Waits until every user's tile of every other one decodes frames (10 more than when first looked at). */
async function untilEveryoneDecodesEveryone(users: StageUser[]): Promise<void> {
  const deadline = Date.now() + MEDIA_FLOWING_TIMEOUT_MS;
  const peers = users.map((user) => user.call.app.name);
  const first = await Promise.all(users.map((user) => user.call.framesByTile()));
  for (;;) {
    const now = await Promise.all(users.map((user) => user.call.framesByTile()));
    const waiting = users.flatMap((user, index) =>
      peers.filter((peer) => peer !== user.call.app.name && (now[index]![peer] ?? -1) < (first[index]![peer] ?? 0) + 10).map((peer) => `${user.call.app.name} <- ${peer}`),
    );
    if (waiting.length === 0) return;
    if (Date.now() > deadline) throw new Error(`no video after ${MEDIA_FLOWING_TIMEOUT_MS} ms: ${waiting.join(", ")}`);
    await delay(250);
  }
}
