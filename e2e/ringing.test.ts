import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppPage } from "./support/app-page.js";
import { startScenario, type Scenario } from "./support/scenario.js";

/**
 * Records the system notifications the page shows (the real Notification still shows them) and
 * lets the test hide the page: headless Chromium keeps every page visible, so `hide()` does what
 * the browser does when another tab comes to the front (document.hidden, visibilitychange).
 */
const PAGE_SPY = `(() => {
  const Native = window.Notification;
  const shown = [];
  window.__notifications = shown;
  window.Notification = class extends Native {
    constructor(title, options) {
      super(title, options);
      const record = { title, body: options && options.body, closed: false };
      shown.push(record);
      const close = this.close.bind(this);
      this.close = () => { record.closed = true; close(); };
    }
    static get permission() { return Native.permission; }
    static requestPermission(...args) { return Native.requestPermission(...args); }
  };
  let hidden = false;
  Object.defineProperty(document, "hidden", { get: () => hidden });
  Object.defineProperty(document, "visibilityState", { get: () => (hidden ? "hidden" : "visible") });
  window.__visibility = (next) => { hidden = next; document.dispatchEvent(new Event("visibilitychange")); };
})();`;

interface Spied {
  __notifications: { title: string; body: string; closed: boolean }[];
  __visibility(hidden: boolean): void;
}

describe("ringing that people notice", () => {
  let scenario: Scenario;
  let alice: AppPage;
  let bob: AppPage;

  beforeAll(async () => {
    scenario = await startScenario();
    const open = async (name: string) => {
      const user = await scenario.rawUser();
      await user.context.grantPermissions(["camera", "microphone", "notifications"], { origin: scenario.server.url });
      await user.page.addInitScript(PAGE_SPY);
      return AppPage.open(user.page, scenario.server.url, name);
    };
    [alice, bob] = await Promise.all([open("alice"), open("bob")]);
    await alice.waitForUsers(["alice", "bob"]);
  });

  afterAll(async () => {
    await scenario?.close();
  });

  const ringLevel = (user: AppPage) => user.page.evaluate(() => window.__switchboard?.ringLevel() ?? 0);

  it("the callee hears a ring tone and the caller a ringback, both made with Web Audio, silent once answered", async () => {
    expect(await ringLevel(bob)).toBe(0);
    await alice.call("bob");
    await bob.waitForIncoming("alice");
    await expect.poll(() => ringLevel(bob), { timeout: 5_000, interval: 50 }).toBeGreaterThan(0.02);
    await expect.poll(() => ringLevel(alice), { timeout: 5_000, interval: 50 }).toBeGreaterThan(0.01);
    // Sound comes from oscillators in the page: no audio file was fetched.
    expect(await bob.page.evaluate(() => performance.getEntriesByType("resource").some((r) => /\.(mp3|ogg|wav|m4a|opus)(\?|$)/.test(r.name)))).toBe(false);
    await bob.accept("alice");
    await Promise.all([alice.waitForCallState("active"), bob.waitForCallState("active")]);
    await expect.poll(() => ringLevel(bob), { timeout: 2_000, interval: 50 }).toBe(0);
    expect(await ringLevel(alice)).toBe(0);
    await alice.hangUp();
    await Promise.all([alice.waitForCallState("idle"), bob.waitForCallState("idle")]);
  });

  it("in a hidden tab the title flashes and a system notification shows; both end with the ringing", async () => {
    const title = await bob.page.title();
    await bob.page.evaluate(() => (window as unknown as Spied).__visibility(true));
    await alice.call("bob");
    await bob.waitForIncoming("alice");
    const titles = new Set<string>();
    await expect
      .poll(async () => titles.add(await bob.page.title()).size, { timeout: 5_000, interval: 100 })
      .toBeGreaterThanOrEqual(2);
    expect([...titles]).toEqual(expect.arrayContaining([title, "📞 alice is calling…"]));
    const shown = await bob.page.evaluate(() => (window as unknown as Spied).__notifications);
    expect(shown).toEqual([{ title: "Incoming call", body: "alice is calling you.", closed: false }]);

    // Coming back to the tab stops the flashing; the call still rings until it is declined.
    await bob.page.evaluate(() => (window as unknown as Spied).__visibility(false));
    await expect.poll(() => bob.page.title(), { timeout: 3_000 }).toBe(title);
    await bob.decline("alice");
    await Promise.all([alice.waitForCallState("idle"), bob.waitForCallState("idle")]);
    expect(await bob.page.evaluate(() => (window as unknown as Spied).__notifications.map((n) => n.closed))).toEqual([true]);
    expect(await ringLevel(bob)).toBe(0);
  });

  it("a visible tab gets no notification and keeps its title; the caller's cancel stops the ring", async () => {
    const title = await bob.page.title();
    await alice.call("bob");
    await bob.waitForIncoming("alice");
    await expect.poll(() => ringLevel(bob), { timeout: 5_000, interval: 50 }).toBeGreaterThan(0.02);
    await alice.cancelCall();
    await bob.waitForCallState("idle");
    await expect.poll(() => ringLevel(bob), { timeout: 2_000, interval: 50 }).toBe(0);
    expect(await bob.page.title()).toBe(title);
    expect(await bob.page.evaluate(() => (window as unknown as Spied).__notifications)).toHaveLength(1); // the earlier test's
  });
});
