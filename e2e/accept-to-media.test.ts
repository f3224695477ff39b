import { mkdir, writeFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { median } from "../bench/src/stats.js";
import { acceptToMedia, armAcceptTiming, type AcceptToMedia } from "./support/accept-timing.js";
import { AppPage } from "./support/app-page.js";
import { inboundMedia, trackPeerConnections, waitForConnectionState } from "./support/peer-connections.js";
import { expectMediaFlowing, startScenario, type Scenario } from "./support/scenario.js";

/**
 * A measurement, not a timed test: how long from the callee's Accept click until both remote
 * videos play, over CALLS calls, with the app as it ships and, in the same run, with connecting
 * while it rings switched off (`?connect-while-ringing=0`) as the baseline. The medians are
 * printed and written to .bench-results/accept-to-media.json; docs/performance.md reports them.
 * Nothing here asserts a time; each call must only really show video on both sides.
 */
const CALLS = Number(process.env.ACCEPT_TO_MEDIA_CALLS ?? 20);
/** How long the callee "looks at" the incoming call before clicking Accept, as a person would. */
const RING_BEFORE_ACCEPT_MS = 1_000;

async function measure(caller: AppPage, callee: AppPage): Promise<AcceptToMedia[]> {
  const samples: AcceptToMedia[] = [];
  for (let i = 0; i < CALLS; i += 1) {
    await armAcceptTiming(caller.page, callee.page);
    await caller.call(callee.name);
    await callee.waitForIncoming(caller.name);
    await callee.page.waitForTimeout(RING_BEFORE_ACCEPT_MS);
    await callee.accept(caller.name);
    samples.push(await acceptToMedia(caller.page, callee.page));
    await caller.hangUp();
    await Promise.all([caller.waitForCallState("idle"), callee.waitForCallState("idle")]);
  }
  return samples;
}

describe("connecting while it rings", () => {
  let scenario: Scenario;

  beforeAll(async () => {
    scenario = await startScenario();
  });

  afterAll(async () => {
    await scenario?.close();
  });

  it("ICE and DTLS complete while it rings, yet neither side receives one packet of media before Accept", async () => {
    const openTracked = async (name: string) => {
      const user = await scenario.rawUser();
      await trackPeerConnections(user.page);
      return AppPage.open(user.page, scenario.server.url, name);
    };
    const [alice, bob] = await Promise.all([openTracked("alice"), openTracked("bob")]);
    await alice.waitForUsers(["alice", "bob"]);
    await alice.call("bob");
    await bob.waitForIncoming("alice");
    await Promise.all([waitForConnectionState(alice.page, ["connected"]), waitForConnectionState(bob.page, ["connected"])]);
    // Connected, and given time in which media would have arrived if anything were sent.
    await alice.page.waitForTimeout(1_500);
    expect(await alice.callState()).toBe("ringing-out");
    expect(await inboundMedia(alice.page)).toEqual({ framesDecoded: 0, packetsReceived: 0 });
    expect(await inboundMedia(bob.page)).toEqual({ framesDecoded: 0, packetsReceived: 0 });

    await bob.accept("alice");
    await Promise.all([alice.waitForCallState("active"), bob.waitForCallState("active")]);
    await expectMediaFlowing(alice, bob);
    await alice.hangUp();
    await Promise.all([alice.waitForCallState("idle"), bob.waitForCallState("idle")]);
  });
});

describe("accept to media (measurement)", () => {
  let scenario: Scenario;
  const results: Record<string, { medianMs: number; callerSeesMedianMs: number; calleeSeesMedianMs: number; samplesMs: number[] }> = {};

  beforeAll(async () => {
    scenario = await startScenario();
  });

  afterAll(async () => {
    await scenario?.close();
    if (Object.keys(results).length === 0) return;
    await mkdir(".bench-results", { recursive: true });
    await writeFile(".bench-results/accept-to-media.json", JSON.stringify({ calls: CALLS, date: new Date().toISOString(), results }, null, 2));
    console.log("accept to media, median of %d calls:", CALLS, Object.fromEntries(Object.entries(results).map(([k, v]) => [k, `${v.medianMs.toFixed(0)} ms`])));
  });

  for (const [label, path] of [
    ["as shipped", "/"],
    ["connect-while-ringing off", "/?connect-while-ringing=0"],
  ] as const) {
    it(`${label}: ${CALLS} calls, each shows video on both sides`, async () => {
      const tag = label.startsWith("as") ? "a" : "b";
      const [caller, callee] = await Promise.all([
        scenario.user(`caller-${tag}`, { path }),
        scenario.user(`callee-${tag}`, { path }),
      ]);
      await caller.waitForUsers([caller.name, callee.name]);
      const samples = await measure(caller, callee);
      expect(samples).toHaveLength(CALLS);
      for (const sample of samples) expect(sample.bothMs).toBeGreaterThan(0);
      results[label] = {
        medianMs: median(samples.map((s) => s.bothMs)),
        callerSeesMedianMs: median(samples.map((s) => s.callerSeesMs)),
        calleeSeesMedianMs: median(samples.map((s) => s.calleeSeesMs)),
        samplesMs: samples.map((s) => Math.round(s.bothMs)),
      };
      await Promise.all([caller.page.close(), callee.page.close()]);
    });
  }
});
