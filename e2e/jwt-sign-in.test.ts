// AUTH=jwt in the web app: users open it with a sign-in token in the link (#token=...), minted
// here with jose (HS256) as a deployment's identity provider would; the token names them.
import { describe, expect, it } from "vitest";
import { appUsersPerFile } from "./support/app-users.js";
import { expectMediaFlowing } from "./support/scenario.js";
import { JWT_SECRET, mintToken } from "./support/tokens.js";

const ROOM = "board";

/** A token for `name` that lets it into `rooms`, valid for ten minutes. */
const mint = (name: string, rooms: string[], role: "member" | "moderator" = "member") => mintToken(name, { rooms, role });

describe("sign-in tokens (AUTH=jwt)", () => {
  const users = appUsersPerFile({ auth: "jwt", jwtSecret: JWT_SECRET });

  it("two users signed in by their tokens' names call each other; media flows both ways", async () => {
    const [annToken, bobToken] = await Promise.all([mint("ann", [ROOM], "moderator"), mint("bob", [ROOM])]);
    const ann = await users.signIn(annToken, `/r/${ROOM}`);
    const bob = await users.signIn(bobToken, `/r/${ROOM}`);
    expect([ann.name, bob.name]).toEqual(["ann", "bob"]);
    expect(await ann.page.getByRole("banner").getByText("ann", { exact: true }).isVisible()).toBe(true);
    // The token left the address bar (not bookmarked, not shared), and is kept for reloads of the tab.
    expect(new URL(ann.page.url()).hash).toBe("");
    expect(await ann.page.evaluate(() => sessionStorage.getItem("switchboard.signInToken"))).toBe(annToken);
    await ann.waitForUsers(["ann", "bob"]);
    // The token's role moderates; a member's does not.
    await ann.page.getByRole("region", { name: "Moderation" }).waitFor();
    expect(await bob.page.getByRole("region", { name: "Moderation" }).isVisible()).toBe(false);

    await ann.call("bob");
    await bob.accept("ann");
    await Promise.all([ann.waitForCallState("active"), bob.waitForCallState("active")]);
    await expectMediaFlowing(ann, bob);
    await ann.hangUp();
  });

  it("without a token the app asks for one instead of a name", async () => {
    const page = await users.visit(`/r/${ROOM}`);
    await page.getByLabel("Your name").fill("mallory");
    await page.getByRole("button", { name: "Join" }).click();
    await page.getByRole("alert").filter({ hasText: "This server needs a sign-in token" }).waitFor();
    expect(await page.getByLabel("Sign-in token").isVisible()).toBe(true);
    expect(await page.getByLabel("Your name").isVisible()).toBe(false);
    // A token pasted there signs in.
    await page.getByLabel("Sign-in token").fill(await mint("erin", [ROOM]));
    await page.getByRole("button", { name: "Join" }).click();
    await page.locator('#app[data-phase="workspace"][data-self-name="erin"]').waitFor();
  });

  it("a sign-in this server cannot renew (no JWT_RENEW_URL) is announced before it runs out", async () => {
    // Less than the minute of warning is left: the notice comes at once.
    const page = await users.visit(`/r/${ROOM}#token=${await mintToken("fay", { rooms: [ROOM], expiresIn: "40s" })}`);
    await page.locator('#app[data-phase="workspace"][data-self-name="fay"]').waitFor();
    await page.locator(".notice-text").filter({ hasText: /^Your sign-in runs out in \d+ s; the server will then end your session/ }).waitFor();
  });

  it("a token for other rooms is refused with room-forbidden, said plainly", async () => {
    const page = await users.visit(`/r/${ROOM}#token=${await mint("dan", ["elsewhere"])}`);
    await page.getByRole("alert").filter({ hasText: `Your sign-in token does not let you into the room “${ROOM}”.` }).waitFor();
    expect(await page.locator("#app").getAttribute("data-phase")).toBe("login");
  });
});
