import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppPage } from "./support/app-page.js";
import { startScenario, type Scenario } from "./support/scenario.js";

const CYCLES = 20;

describe("call / hang-up cycles", () => {
  let scenario: Scenario;
  let alice: AppPage;
  let bob: AppPage;

  beforeAll(async () => {
    scenario = await startScenario();
    [alice, bob] = await Promise.all([scenario.user("alice"), scenario.user("bob")]);
    await alice.waitForUsers(["bob"]);
    await bob.waitForUsers(["alice"]);
  });

  afterAll(async () => {
    await scenario?.close();
  });

  it(`${CYCLES} consecutive calls connect, carry video and hang up cleanly`, async () => {
    for (let cycle = 1; cycle <= CYCLES; cycle++) {
      // Alternate caller and who hangs up, so both directions are exercised.
      const [caller, callee] = cycle % 2 === 1 ? [alice, bob] : [bob, alice];
      const hanger = cycle % 4 < 2 ? caller : callee;
      await caller.call(callee.name);
      await callee.accept(caller.name);
      await Promise.all([caller.waitForCallState("active"), callee.waitForCallState("active")]);
      await Promise.all([caller.waitForFramesRising(3), callee.waitForFramesRising(3)]);
      await hanger.hangUp();
      await Promise.all([caller.waitForCallState("idle"), callee.waitForCallState("idle")]);
    }
    expect(await alice.page.evaluate(() => window.__switchboard?.callState())).toBe("idle");
  });
});
