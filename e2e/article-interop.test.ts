import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppPage } from "./support/app-page.js";
import { ArticleClientPage } from "./support/article-page.js";
import { startScenario, type Scenario } from "./support/scenario.js";
import { MARKUP_PAYLOADS } from "./support/payloads.js";

/**
 * Our app against a client that speaks only the article's messages (e2e/fixtures/article-client.js):
 * no `hello`, no ringing, `video-offer` straight away, an untargeted `hang-up` after its calls.
 */
describe("interop with the article's client", () => {
  let scenario: Scenario;
  let alice: AppPage;
  let arthur: ArticleClientPage;

  beforeAll(async () => {
    scenario = await startScenario();
    const raw = await scenario.rawUser();
    [alice, arthur] = await Promise.all([scenario.user("alice"), ArticleClientPage.open(raw.page, scenario.server.url, "arthur")]);
    await alice.waitForUsers(["alice", "arthur"]);
    await arthur.waitForUsers(["alice", "arthur"]);
  });

  afterAll(async () => {
    await scenario?.close();
  });

  it("each sees the other; the app marks the article client as basic but callable", async () => {
    const arthurRow = (await alice.users()).find((u) => u.name === "arthur");
    expect(arthurRow).toMatchObject({ legacy: true, status: "available" });
    expect(await alice.page.getByRole("button", { name: "Call arthur", exact: true }).isEnabled()).toBe(true);
  });

  it("chat both ways; markup stays text on both sides (the server escapes for the article's innerHTML)", async () => {
    for (const payload of MARKUP_PAYLOADS) await arthur.sendChat(payload);
    for (const payload of MARKUP_PAYLOADS) await alice.waitForChat("arthur", payload);
    for (const payload of MARKUP_PAYLOADS) await alice.sendChat(payload);
    await arthur.page.waitForFunction(
      (expected) => expected.every((p) => (window as any).articleClient.chatText().includes(p)),
      MARKUP_PAYLOADS,
    );
    for (const page of [alice.page, arthur.page]) {
      const state = await page.evaluate(() => ({
        xss: window.__xss === true,
        injected: document.querySelectorAll(".chat-log img, .chat-log script, #chatbox img, #chatbox script, #chatbox svg").length,
      }));
      expect(state).toEqual({ xss: false, injected: 0 });
    }
  });

  it("the article client calls the app: accept, media both ways, it hangs up", async () => {
    await arthur.call("alice");
    await alice.accept("arthur");
    await alice.waitForCallState("active");
    await Promise.all([alice.waitForFramesRising(10), arthur.waitForFramesRising(10)]);
    await arthur.hangUp();
    await alice.waitForCallState("idle");
    await arthur.waitForIdle();
  });

  it("the app calls the article client: it answers at once, media both ways, the app hangs up", async () => {
    await alice.call("arthur");
    await alice.waitForCallState("active");
    await Promise.all([alice.waitForFramesRising(10), arthur.waitForFramesRising(10)]);
    expect(await arthur.inCall()).toBe(true);
    await alice.hangUp();
    await arthur.waitForIdle();
    await alice.waitForCallState("idle");
  });

  it("a second round works after both hang-ups", async () => {
    await alice.call("arthur");
    await Promise.all([alice.waitForFramesRising(5), arthur.waitForFramesRising(5)]);
    await arthur.hangUp();
    await alice.waitForCallState("idle");
    expect(await arthur.log()).not.toContain("You can't start a call because you already have one open!");
  });
});
