import { readFile } from "node:fs/promises";
import type { Page } from "playwright-core";
import { expect } from "vitest";

const fixture = (name: string) => new URL(`../fixtures/${name}`, import.meta.url);

/** Where the double is "served": a path on the server's own origin, so it is a secure context. */
export const ARTICLE_PATH = "/__article-client/";

/**
 * The article's client (a test double written from the article, e2e/fixtures/article-client.js),
 * served into the page with `page.route` on the server's origin.
 */
export class ArticleClientPage {
  constructor(
    readonly page: Page,
    readonly name: string,
  ) {}

  static async open(page: Page, origin: string, name: string): Promise<ArticleClientPage> {
    const [html, js] = await Promise.all([readFile(fixture("article-client.html"), "utf8"), readFile(fixture("article-client.js"), "utf8")]);
    await page.route(`${origin}${ARTICLE_PATH}**`, (route) => {
      const path = new URL(route.request().url()).pathname;
      if (path.endsWith("/article-client.js")) {
        return route.fulfill({ status: 200, contentType: "text/javascript; charset=utf-8", body: js });
      }
      return route.fulfill({ status: 200, contentType: "text/html; charset=utf-8", body: html });
    });
    await page.goto(`${origin}${ARTICLE_PATH}index.html?name=${encodeURIComponent(name)}`);
    const client = new ArticleClientPage(page, name);
    await page.waitForFunction((me) => (window as any).articleClient?.users().includes(me), name, { timeout: 5000 });
    return client;
  }

  async waitForUsers(names: string[]): Promise<void> {
    await this.page.waitForFunction((expected) => {
      const users: string[] = (window as any).articleClient.users();
      return expected.every((n) => users.includes(n));
    }, names);
  }

  call(name: string): Promise<void> {
    return this.page.evaluate((n) => (window as any).articleClient.call(n), name);
  }

  hangUp(): Promise<void> {
    return this.page.evaluate(() => (window as any).articleClient.hangUp());
  }

  sendChat(text: string): Promise<void> {
    return this.page.evaluate((t) => (window as any).articleClient.sendChat(t), text);
  }

  inCall(): Promise<boolean> {
    return this.page.evaluate(() => (window as any).articleClient.inCall());
  }

  async waitForIdle(timeout = 10_000): Promise<void> {
    await this.page.waitForFunction(() => !(window as any).articleClient.inCall(), undefined, { timeout });
  }

  framesDecoded(): Promise<number> {
    return this.page.evaluate(() => (window as any).articleClient.framesDecoded());
  }

  /** Waits until inbound video `framesDecoded` rises by at least `frames`. */
  async waitForFramesRising(frames = 10, timeout = 15_000): Promise<void> {
    const start = await this.framesDecoded();
    await expect
      .poll(() => this.framesDecoded(), { timeout, interval: 100, message: `${this.name}: video frames decoded` })
      .toBeGreaterThanOrEqual(start + frames);
  }

  chatText(): Promise<string> {
    return this.page.evaluate(() => (window as any).articleClient.chatText());
  }

  log(): Promise<string[]> {
    return this.page.evaluate(() => (window as any).articleClient.log());
  }
}
