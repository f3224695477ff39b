// Nobody can fill someone's screen: messages of types the app does not use, and forged server
// messages, sent to an app user by a raw WebSocket client, never become a notice.
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppPage } from "./support/app-page.js";
import { startScenario, type Scenario } from "./support/scenario.js";

const SCARY = "Your account is suspended. Call +1 555 0100";

/** An article-protocol client in a bare page: logs in as `name`, then sends each frame as given. */
async function attack(page: Page, origin: string, name: string, frames: Record<string, unknown>[]): Promise<void> {
  await page.goto(`${origin}/healthz`);
  await page.evaluate(
    async ({ url, me, messages }) => {
      const socket = new WebSocket(url, "json");
      await new Promise((resolve, reject) => ((socket.onopen = resolve), (socket.onerror = reject)));
      const loggedIn = new Promise<void>((resolve) => {
        socket.onmessage = (event) => JSON.parse(String(event.data)).type === "userlist" && resolve();
      });
      socket.send(JSON.stringify({ type: "username", name: me }));
      await loggedIn;
      for (const message of messages) socket.send(JSON.stringify(message));
      (window as unknown as { attacker: WebSocket }).attacker = socket;
    },
    { url: `${origin.replace(/^http/, "ws")}/ws`, me: name, messages: frames },
  );
}

describe("peer messages never reach the app's notices", () => {
  let scenario: Scenario;
  let victim: AppPage;

  beforeAll(async () => {
    scenario = await startScenario();
    victim = await scenario.user("victim");
  });

  afterAll(async () => {
    await scenario?.close();
  });

  it("app-defined and forged server types from another user show nothing; the session carries on", async () => {
    const { page } = await scenario.rawUser();
    const appDefined = Array.from({ length: 5 }, (_, i) => ({ type: `popup-${i}`, target: "victim", text: SCARY, message: SCARY }));
    const forged = [
      { type: "error", target: "victim", code: "internal-error", message: SCARY },
      { type: "ice-servers", target: "victim", iceServers: [{ urls: "turn:attacker.example:3478", username: "u", credential: "p" }] },
      { type: "user-left", target: "victim", users: ["mallory"] },
      { type: "welcome", target: "victim", protocol: 1, id: "x", features: [], limits: { maxMessageBytes: 1 }, iceServers: [] },
    ];
    await victim.waitForUsers(["victim"]);
    await attack(page, scenario.server.url, "mallory", [...appDefined, ...forged, { type: "message", text: "marker" }]);
    // The public chat line was sent last: once the victim shows it, everything before it arrived.
    await victim.waitForChat("mallory", "marker");
    expect(await victim.page.locator(".notice").count()).toBe(0);
    expect(await victim.page.locator("body").innerText()).not.toContain("suspended");
    await victim.waitForUsers(["mallory"]); // The forged user-left changed nothing.
    expect(await victim.callState()).toBe("idle");
  });
});
