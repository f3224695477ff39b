// Renewing short-lived sign-in tokens in the web app, in a deployment's shape: a front (reverse
// proxy) before the server answers GET /auth/token (JWT_RENEW_URL) itself, as the identity
// service behind it would, minting a fresh token for the user its cookie names; everything else
// (the app, the WebSocket) goes through to the server.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appUsersPerFile } from "./support/app-users.js";
import { watchFrames } from "./support/frame-watch.js";
import { expectMediaFlowing } from "./support/scenario.js";
import { startTokenFront, USER_COOKIE, type TokenFront } from "./support/token-front.js";
import { JWT_SECRET, mintToken, tokenExpiry } from "./support/tokens.js";

const ROOM = "night-shift";
const TOKEN_PATH = "/auth/token";
/** Every token's life: the SDK renews 5 s before the end, so a renewal comes about 11 s in. */
const TOKEN_LIFE = "16s";

describe("sign-in renewal through the deployment's token URL (AUTH=jwt, JWT_RENEW_URL)", () => {
  const users = appUsersPerFile({ auth: "jwt", jwtSecret: JWT_SECRET, jwtRenewUrl: TOKEN_PATH, trustProxy: "loopback" });
  /** Users the identity service will not renew (it answers 503 for them). */
  const refused = new Set<string>();
  let front: TokenFront;

  beforeAll(async () => {
    front = await startTokenFront({
      target: users.server.url,
      tokenPath: TOKEN_PATH,
      mint: async (user) => (refused.has(user) ? null : mintToken(user, { rooms: [ROOM], expiresIn: TOKEN_LIFE })),
    });
  });
  afterAll(() => front?.close());

  const signIn = async (name: string) => {
    const token = await mintToken(name, { rooms: [ROOM], expiresIn: TOKEN_LIFE });
    const user = await users.signIn(token, `/r/${ROOM}`, { origin: front.url, cookies: { [USER_COOKIE]: name } });
    return { user, token };
  };

  it("keeps a call's media flowing well past the first tokens' expiry: renewed through the front, no reconnect", async () => {
    const [{ user: ann, token: annToken }, { user: bob, token: bobToken }] = [await signIn("ann"), await signIn("bob")];
    const firstExpiry = Math.max(tokenExpiry(annToken), tokenExpiry(bobToken));
    await ann.waitForUsers(["ann", "bob"]);
    await ann.call("bob");
    await bob.accept("ann");
    await Promise.all([ann.waitForCallState("active"), bob.waitForCallState("active")]);
    await expectMediaFlowing(ann, bob);

    // Until well past the first tokens' expiry (~30 s from the first token): video never stalls.
    const frames = watchFrames(ann, bob);
    await new Promise((resolve) => setTimeout(resolve, firstExpiry + 14_000 - Date.now()));
    for (const report of await frames.stop()) {
      expect(report.rise, `${report.name}: frames decoded`).toBeGreaterThan(60);
      expect(report.longestStallMs, `${report.name}: longest stall`).toBeLessThan(3_000);
    }
    await expectMediaFlowing(ann, bob);
    for (const user of [ann, bob]) {
      expect(await user.app.getAttribute("data-phase")).toBe("workspace");
      expect(await user.callState()).toBe("active");
      const notices = await user.page.locator(".notice-text").allTextContents();
      expect(notices.filter((text) => /renew|Reconnecting|runs out/.test(text))).toEqual([]);
    }
    // One WebSocket each, all along; at least two renewals each, asked for with the cookie, uncached.
    expect(front.upgrades.toSorted()).toEqual(["ann", "bob"]);
    for (const name of ["ann", "bob"]) {
      const renewals = front.served.filter((served) => served.user === name);
      expect(renewals.length, `${name}: renewals`).toBeGreaterThanOrEqual(2);
      for (const { headers } of renewals) expect(headers).toMatchObject({ "cache-control": "no-cache" });
    }

    // The renewed token is kept for the tab: a reload signs in with it (the link's ran out long ago).
    const kept = await ann.page.evaluate(() => sessionStorage.getItem("switchboard.signInToken"));
    expect(front.served.filter((served) => served.user === "ann").map((served) => served.token)).toContain(kept);
    expect(Date.now()).toBeGreaterThan(tokenExpiry(annToken));
    await ann.page.reload();
    await ann.page.locator('#app[data-phase="workspace"][data-self-name="ann"]').waitFor();
  }, 90_000);

  it("says plainly when the identity service will not renew, then ends the session at expiry (sign in again)", async () => {
    refused.add("cy");
    const { user: cy } = await signIn("cy");
    await cy.waitForNotice(/^Your sign-in could not be renewed \(the sign-in service failed: it answered 503\)\. Unless another try works, it runs out in \d+ s/, 20_000);
    await cy.page.locator('#app[data-phase="ended"]').waitFor({ timeout: 20_000 });
    expect(await cy.page.getByRole("heading", { name: "Signed out" }).isVisible()).toBe(true);
    expect(await cy.page.getByRole("button", { name: "Sign in again" }).isVisible()).toBe(true);
    expect(front.upgrades.filter((name) => name === "cy")).toHaveLength(1);
  }, 60_000);
});
