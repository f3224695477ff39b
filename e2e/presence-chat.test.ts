import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppPage } from "./support/app-page.js";
import { launchBrowser, type TestBrowser } from "./support/browser.js";
import { MARKUP_PAYLOADS } from "./support/payloads.js";
import { startServer, type RunningServer } from "./support/server.js";


describe("presence and chat", () => {
  let server: RunningServer;
  let browser: TestBrowser;
  let alice: AppPage;
  let bob: AppPage;
  let carol: AppPage;
  const dialogs: string[] = [];

  beforeAll(async () => {
    [server, browser] = await Promise.all([startServer(), launchBrowser()]);
    const open = async (name: string) => {
      const { page } = await browser.newUser(server.url);
      page.on("dialog", (dialog) => {
        dialogs.push(dialog.message());
        void dialog.dismiss();
      });
      return AppPage.open(page, server.url, name);
    };
    [alice, bob, carol] = await Promise.all([open("alice"), open("bob"), open("carol")]);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it("three users log in and see each other, themselves marked", async () => {
    for (const user of [alice, bob, carol]) await user.waitForUsers(["alice", "bob", "carol"]);
    const seenByAlice = await alice.users();
    expect(seenByAlice.map((u) => u.name).sort()).toEqual(["alice", "bob", "carol"]);
    expect(seenByAlice.find((u) => u.name === "alice")?.status).toBe("you");
    // Bob's row is one enabled call button; alice's own row is named as her and cannot call.
    const callBob = alice.page.getByRole("button", { name: "Call bob", exact: true });
    expect(await callBob.count()).toBe(1);
    expect(await callBob.isEnabled()).toBe(true);
    const self = alice.page.getByRole("button", { name: "alice (you)", exact: true });
    expect(await self.count()).toBe(1);
    expect(await self.isDisabled()).toBe(true);
    expect(await alice.page.getByRole("button", { name: "Call alice", exact: true }).count()).toBe(0);
  });

  it("a taken name is renamed by the server and the app says so", async () => {
    const { page } = await browser.newUser(server.url);
    const second = await AppPage.open(page, server.url, "alice");
    expect(second.name).toBe("alice1");
    await second.waitForNotice(/"alice" was taken/);
    await alice.waitForUsers(["alice1"]);
    await page.close();
  });

  it("rejects an invalid name before sending it", async () => {
    const { page } = await browser.newUser(server.url);
    await page.goto(server.url + "/");
    await page.getByLabel("Your name").fill("<b>x</b>");
    await page.getByRole("button", { name: "Join" }).click();
    await page.getByRole("alert").filter({ hasText: /letters, digits/ }).waitFor();
    expect(await page.locator("#app").getAttribute("data-phase")).toBe("login");
    await page.close();
  });

  it("public chat goes both ways", async () => {
    await alice.sendChat("hello from alice");
    await bob.waitForChat("alice", "hello from alice");
    await carol.waitForChat("alice", "hello from alice");
    await bob.sendChat("hi alice, bob here");
    await alice.waitForChat("bob", "hi alice, bob here");
  });

  it("markup in chat stays literal text and runs nothing, both ways", async () => {
    for (const payload of MARKUP_PAYLOADS) await alice.sendChat(payload);
    for (const payload of MARKUP_PAYLOADS) await bob.sendChat(payload);
    for (const user of [alice, bob, carol]) {
      for (const payload of MARKUP_PAYLOADS) {
        await user.waitForChat("alice", payload);
        await user.waitForChat("bob", payload);
      }
      const state = await user.page.evaluate(() => ({
        xss: window.__xss === true,
        injected: document.querySelectorAll(".chat-log img, .chat-log script, .chat-log b, .chat-log svg").length,
      }));
      expect(state).toEqual({ xss: false, injected: 0 });
    }
    expect(dialogs).toEqual([]);
  });

  it("private chat reaches only its recipient", async () => {
    await alice.sendChat("just for bob", "bob");
    await bob.page.getByLabel("Conversation").locator("option", { hasText: "alice — 1 new" }).waitFor({ state: "attached" });
    await bob.openConversation("alice");
    await bob.waitForChat("alice", "just for bob");
    await bob.sendChat("just for alice", "alice");
    await alice.waitForChat("bob", "just for alice");
    // Carol's conversations never saw it.
    await carol.sendChat("marker after the private lines");
    await carol.waitForChat("carol", "marker after the private lines");
    expect(await carol.chatTexts()).not.toContain("just for bob");
    await carol.openConversation("alice");
    expect(await carol.chatTexts()).toEqual([]);
  });

  it("runs under the server's strict CSP: no inline script or style, nothing blocked", async () => {
    const { page } = await browser.newUser(server.url);
    await page.addInitScript(`window.__cspViolations = [];
      document.addEventListener("securitypolicyviolation", (e) => window.__cspViolations.push(e.violatedDirective + " " + e.blockedURI));`);
    const response = await page.goto(`${server.url}/`);
    expect(response?.headers()["content-security-policy"]).toContain("script-src 'self'");
    const dora = await AppPage.open(page, server.url, "dora");
    await dora.sendChat("hello under CSP");
    await dora.waitForChat("dora", "hello under CSP");
    const violations = await page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations);
    expect(violations).toEqual([]);
    expect(await page.locator("script:not([src]), [style]").count()).toBe(0);
    await page.close();
  });

  it("every control has an accessible name, and the app fits a phone screen", async () => {
    await alice.page.setViewportSize({ width: 360, height: 740 });
    const unnamed = await alice.page.evaluate(() =>
      [...document.querySelectorAll<HTMLElement>("button, input, select, textarea, video")]
        .filter((el) => {
          const labelled = (el as HTMLInputElement).labels?.length ? (el as HTMLInputElement).labels![0]!.textContent : "";
          const name = el.getAttribute("aria-label") || labelled || el.textContent;
          return !name?.trim();
        })
        .map((el) => el.outerHTML.slice(0, 80)),
    );
    expect(unnamed).toEqual([]);
    const overflow = await alice.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await alice.page.setViewportSize({ width: 1100, height: 760 });
  });

  it("a user who leaves disappears from the others' lists", async () => {
    await carol.page.close();
    await alice.page.waitForFunction(() => !document.querySelector('.user-row[data-user="carol"]'));
    await bob.page.waitForFunction(() => !document.querySelector('.user-row[data-user="carol"]'));
  });
});
