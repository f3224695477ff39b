import type { Locator, Page } from "playwright-core";
import { expect } from "vitest";

export type CallState = "idle" | "ringing-out" | "ringing-in" | "connecting" | "active";

const DEFAULT_TIMEOUT = 15_000;

/**
 * Page object for apps/web. Controls are found by role and accessible name, as a user (or a
 * screen reader) finds them; state is read from the documented `data-*` attributes on #app.
 */
export class AppPage {
  private constructor(
    readonly page: Page,
    /** The name the server gave (may differ from the one asked for). */
    readonly name: string,
  ) {}

  /** `path`: where the app is opened, e.g. "/?relay=1" for relay-only calls. */
  static async open(page: Page, origin: string, name: string, path = "/"): Promise<AppPage> {
    await page.goto(origin + path);
    await page.getByLabel("Your name").fill(name);
    await page.getByRole("button", { name: "Join" }).click();
    await page.locator('#app[data-phase="workspace"]').waitFor({ timeout: DEFAULT_TIMEOUT });
    const given = await page.locator("#app").getAttribute("data-self-name");
    return new AppPage(page, given ?? name);
  }

  /** Opens the app at `path` with `#token=<token>` (AUTH=jwt): it signs in by itself, under the token's name. */
  static async signIn(page: Page, origin: string, token: string, path = "/"): Promise<AppPage> {
    await page.goto(`${origin}${path}#token=${encodeURIComponent(token)}`);
    await page.locator('#app[data-phase="workspace"]').waitFor({ timeout: DEFAULT_TIMEOUT });
    const given = await page.locator("#app").getAttribute("data-self-name");
    if (given === null) throw new Error("signed in without a name");
    return new AppPage(page, given);
  }

  /** The name the app shows as its own now (after a re-login it may differ from `name`). */
  async selfName(): Promise<string | null> {
    return this.app.getAttribute("data-self-name");
  }

  get app(): Locator {
    return this.page.locator("#app");
  }

  // ---- presence ------------------------------------------------------------------------------

  userRow(name: string): Locator {
    return this.page.locator(`.user-row[data-user="${cssEscape(name)}"]`);
  }

  async waitForUsers(names: string[], timeout = DEFAULT_TIMEOUT): Promise<void> {
    await this.page.waitForFunction(
      (expected) => {
        const shown = [...document.querySelectorAll<HTMLElement>(".user-row")].map((row) => row.dataset.user);
        return expected.every((name) => shown.includes(name));
      },
      names,
      { timeout },
    );
  }

  async users(): Promise<{ name: string; status: string; legacy: boolean }[]> {
    return this.page.$$eval(".user-row", (rows) =>
      rows.map((row) => ({
        name: (row as HTMLElement).dataset.user ?? "",
        status: (row as HTMLElement).dataset.status ?? "",
        legacy: row.querySelector(".badge-legacy") !== null,
      })),
    );
  }

  async waitForUserStatus(name: string, status: "available" | "busy", timeout = DEFAULT_TIMEOUT): Promise<void> {
    await this.userRow(name).and(this.page.locator(`[data-status="${status}"]`)).waitFor({ timeout });
  }

  // ---- chat ----------------------------------------------------------------------------------

  /** Sends `text` to everyone, or privately to `to`. */
  async sendChat(text: string, to: string | null = null): Promise<void> {
    await this.page.getByLabel("Conversation").selectOption(to ?? "");
    await this.page.getByRole("textbox", { name: "Message", exact: true }).fill(text);
    await this.page.getByRole("button", { name: "Send", exact: true }).click();
  }

  async openConversation(withUser: string | null): Promise<void> {
    await this.page.getByLabel("Conversation").selectOption(withUser ?? "");
  }

  /** Waits until a message from `from` with exactly `text` is shown in the current conversation. */
  async waitForChat(from: string, text: string, timeout = DEFAULT_TIMEOUT): Promise<void> {
    await this.page.waitForFunction(
      ([sender, body]) =>
        [...document.querySelectorAll<HTMLElement>(".chat-message")].some(
          (m) => m.dataset.from === sender && m.querySelector(".chat-text")?.textContent === body,
        ),
      [from, text] as const,
      { timeout },
    );
  }

  async chatTexts(): Promise<string[]> {
    return this.page.$$eval(".chat-message .chat-text", (nodes) => nodes.map((n) => n.textContent ?? ""));
  }

  // ---- calls ---------------------------------------------------------------------------------

  async callState(): Promise<CallState> {
    return ((await this.app.getAttribute("data-call-state")) ?? "idle") as CallState;
  }

  async waitForCallState(state: CallState, timeout = DEFAULT_TIMEOUT): Promise<void> {
    await this.page.locator(`#app[data-call-state="${state}"]`).waitFor({ state: "attached", timeout });
  }

  async call(name: string): Promise<void> {
    await this.page.getByRole("button", { name: `Call ${name}`, exact: true }).click();
  }

  /** Holds incoming signaling frames (needs the `holdableSocket` user option). */
  async holdIncoming(): Promise<void> {
    await this.page.evaluate(() => window.__network!.hold());
  }

  /** Delivers the held frames, in order, and stops holding. */
  async releaseIncoming(): Promise<void> {
    await this.page.evaluate(() => window.__network!.release());
  }

  /** Resolves with Date.now() in the page when #app's call state next becomes `state`. */
  async timeWhenCallState(state: CallState): Promise<() => Promise<number>> {
    await this.page.evaluate((wanted) => {
      const root = document.getElementById("app")!;
      (window as unknown as { __stateAt: Promise<number> }).__stateAt = new Promise((resolve) => {
        const observer = new MutationObserver(() => {
          if (root.dataset.callState !== wanted) return;
          observer.disconnect();
          resolve(Date.now());
        });
        observer.observe(root, { attributes: true, attributeFilter: ["data-call-state"] });
      });
    }, state);
    return () => this.page.evaluate(() => (window as unknown as { __stateAt: Promise<number> }).__stateAt);
  }

  async waitForIncoming(from: string, timeout = DEFAULT_TIMEOUT): Promise<void> {
    await this.page.getByRole("dialog", { name: "Incoming call" }).getByText(`${from} is calling you.`).waitFor({ timeout });
  }

  async accept(from: string): Promise<void> {
    await this.waitForIncoming(from);
    await this.page.getByRole("button", { name: `Accept call from ${from}` }).click();
  }

  async decline(from: string): Promise<void> {
    await this.waitForIncoming(from);
    await this.page.getByRole("button", { name: `Decline call from ${from}` }).click();
  }

  async hangUp(): Promise<void> {
    await this.page.getByRole("toolbar", { name: "Call controls" }).getByRole("button", { name: "Hang up" }).click();
  }

  async cancelCall(): Promise<void> {
    await this.page.getByRole("button", { name: "Cancel call" }).click();
  }

  async toggleMicrophone(): Promise<void> {
    await this.page.getByRole("button", { name: /mute microphone/i }).click();
  }

  async toggleCamera(): Promise<void> {
    await this.page.getByRole("button", { name: /turn camera (on|off)/i }).click();
  }

  /** Who the current call is with, as shown by the app. */
  async callPeer(): Promise<string | null> {
    return this.app.getAttribute("data-call-peer");
  }

  /** Inbound video frames decoded in the current call, from the SDK's stats snapshot (`window.__switchboard`). */
  async framesDecoded(): Promise<number> {
    return this.page.evaluate(async () => (await window.__switchboard?.stats())?.framesDecoded ?? 0);
  }

  /** Waits until inbound video `framesDecoded` rises by at least `frames` (media really flows). */
  async waitForFramesRising(frames = 10, timeout = DEFAULT_TIMEOUT): Promise<void> {
    const start = await this.framesDecoded();
    await expect
      .poll(() => this.framesDecoded(), { timeout, interval: 100, message: `${this.name}: video frames decoded` })
      .toBeGreaterThanOrEqual(start + frames);
  }

  // ---- notices -------------------------------------------------------------------------------

  async waitForNotice(pattern: RegExp, timeout = DEFAULT_TIMEOUT): Promise<string> {
    const notice = this.page.locator(".notice-text").filter({ hasText: pattern }).first();
    await notice.waitFor({ timeout });
    return (await notice.textContent()) ?? "";
  }
}

function cssEscape(value: string): string {
  return value.replace(/["\\]/g, "\\$&");
}

declare global {
  interface Window {
    /** Test-only: holds incoming WebSocket frames (scenario option `holdableSocket`). */
    __network?: { hold(): void; release(): void };
    /** Set by markup payloads in the XSS tests if they ever ran. */
    __xss?: boolean;
    /** apps/web's documented test/debug hook (see apps/web/src/debug-hook.ts). */
    __switchboard?: {
      callState(): string;
      /** Loudness of the ring tone playing now (0: silent). */
      ringLevel(): number;
      /** Whether the local microphone / camera tracks are enabled (false when absent). */
      localTracks(): { audio: boolean; video: boolean };
      stats(): Promise<{ framesDecoded: number; rttMs: number | null; lossFraction: number | null } | null>;
    };
  }
}
