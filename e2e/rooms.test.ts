// Rooms in the web app: the lobby page (create a room, open one by name), /r/<room> links,
// copying the link, switching rooms without a reload, and what the top bar shows.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppPage } from "./support/app-page.js";
import { launchBrowser, type TestBrowser } from "./support/browser.js";
import { startServer, type RunningServer } from "./support/server.js";

const GENERATED_ROOM = /^\/r\/([a-z]+-[a-z]+-[1-9][0-9])$/;

describe("rooms in the app", () => {
  let server: RunningServer;
  let browser: TestBrowser;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function freshPage(clipboard = false) {
    const user = await browser.newUser(server.url);
    if (clipboard) await user.context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: server.url });
    return user.page;
  }

  const roomShown = (page: AppPage["page"]) => page.getByRole("banner").locator(".room-name").textContent();

  it("the first page shows no Offline badge before the user tried anything", async () => {
    const page = await freshPage();
    await page.goto(server.url + "/");
    await page.getByLabel("Your name").waitFor();
    expect(await page.getByText(/offline/i).count()).toBe(0);
    expect(await page.locator(".connection").isVisible()).toBe(false);
    expect(await roomShown(page)).toBe("Lobby");
    // Once the user logs in, the connection state is shown.
    await page.getByLabel("Your name").fill("newcomer");
    await page.getByRole("button", { name: "Join" }).click();
    await page.locator('.connection[data-state="open"]').waitFor();
    expect(await page.locator(".connection").textContent()).toBe("Connected");
    await page.close();
  });

  it("create a room -> /r/<name>, shown in the top bar; copy its link; log in there", async () => {
    const page = await freshPage(true);
    await page.goto(server.url + "/");
    await page.getByRole("button", { name: "Create a room" }).click();
    const room = GENERATED_ROOM.exec(new URL(page.url()).pathname)?.[1];
    expect(room).toMatch(/^[a-z]+-[a-z]+-\d\d$/);
    expect(await roomShown(page)).toBe(room);
    expect(await page.getByTestId("login-room").textContent()).toContain(room!);

    await page.getByRole("button", { name: "Copy room link" }).click();
    await page.getByRole("status").filter({ hasText: "Copied" }).waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(`${server.url}/r/${room}`);

    const alice = await AppPage.open(page, server.url, "alice", `/r/${room}`);
    expect(await alice.app.getAttribute("data-room")).toBe(room);
    expect(await roomShown(page)).toBe(room);

    // The link opens the same room for someone else; the lobby does not see them.
    const bob = await AppPage.open(await freshPage(), server.url, "bob", `/r/${room}`);
    const lobbyUser = await AppPage.open(await freshPage(), server.url, "lurker");
    await alice.waitForUsers(["alice", "bob"]);
    await bob.waitForUsers(["alice", "bob"]);
    expect((await lobbyUser.users()).map((u) => u.name)).toEqual(["lurker"]);
    for (const user of [alice, bob, lobbyUser]) await user.page.close();
  });

  it("where the clipboard is refused, the link is shown selected instead", async () => {
    const page = await freshPage();
    await page.addInitScript(() => {
      Object.defineProperty(navigator, "clipboard", { value: { writeText: () => Promise.reject(new DOMException("denied", "NotAllowedError")) } });
    });
    await page.goto(`${server.url}/r/standup`);
    await page.getByRole("button", { name: "Copy room link" }).click();
    const field = page.getByRole("textbox", { name: "Room link" });
    await field.waitFor();
    expect(await field.inputValue()).toBe(`${server.url}/r/standup`);
    const selection = await field.evaluate((input: HTMLInputElement) => [input.selectionStart, input.selectionEnd, input.value.length]);
    expect(selection).toEqual([0, selection[2], selection[2]]);
    expect(await page.getByRole("status").filter({ hasText: "Copied" }).count()).toBe(0);
    await page.close();
  });

  it("open a room by name from the lobby page; a bad name is explained", async () => {
    const page = await freshPage();
    await page.goto(server.url + "/");
    await page.getByRole("textbox", { name: "Room name" }).fill("Team\u200bA");
    await page.getByRole("button", { name: "Open room" }).click();
    await page.getByRole("alert").filter({ hasText: /room name/i }).waitFor();
    expect(new URL(page.url()).pathname).toBe("/");
    await page.getByRole("textbox", { name: "Room name" }).fill("Team A");
    await page.getByRole("button", { name: "Open room" }).click();
    expect(new URL(page.url()).pathname).toBe("/r/Team%20A");
    expect(await roomShown(page)).toBe("Team A");
    const carol = await AppPage.open(page, server.url, "carol", "/r/Team%20A");
    expect(await carol.app.getAttribute("data-room")).toBe("Team A");
    await page.close();
  });

  it("switching rooms after login needs no reload, and Back goes back", async () => {
    const dave = await AppPage.open(await freshPage(), server.url, "dave", "/r/alpha");
    const erin = await AppPage.open(await freshPage(), server.url, "erin", "/r/beta");
    // Someone stays in alpha, so the room (and its history) is still there when dave comes back.
    const fay = await AppPage.open(await freshPage(), server.url, "fay", "/r/alpha");
    await dave.page.evaluate(() => ((window as unknown as { __samePage: boolean }).__samePage = true));
    await dave.sendChat("hello alpha");
    await dave.waitForChat("dave", "hello alpha");

    await dave.page.getByRole("textbox", { name: "Room name" }).fill("beta");
    await dave.page.getByRole("button", { name: "Open room" }).click();
    await dave.page.locator('#app[data-room="beta"]').waitFor({ state: "attached" });
    expect(new URL(dave.page.url()).pathname).toBe("/r/beta");
    expect(await roomShown(dave.page)).toBe("beta");
    await dave.waitForUsers(["dave", "erin"]);
    await erin.waitForUsers(["dave", "erin"]);
    expect(await dave.chatTexts()).not.toContain("hello alpha");
    expect(await dave.page.evaluate(() => (window as unknown as { __samePage?: boolean }).__samePage)).toBe(true);

    await dave.page.goBack();
    await dave.page.locator('#app[data-room="alpha"]').waitFor({ state: "attached" });
    expect(new URL(dave.page.url()).pathname).toBe("/r/alpha");
    await expect.poll(async () => (await erin.users()).map((u) => u.name)).toEqual(["erin"]);
    // Alpha's history came back with the room, shown once.
    await dave.waitForChat("dave", "hello alpha");
    await fay.waitForUsers(["dave", "fay"]);
    expect((await dave.chatTexts()).filter((text) => text === "hello alpha")).toHaveLength(1);

    await dave.page.getByRole("button", { name: "Back to the lobby" }).click();
    await dave.page.locator('#app[data-room=""]').waitFor({ state: "attached" });
    expect(new URL(dave.page.url()).pathname).toBe("/");
    expect(await roomShown(dave.page)).toBe("Lobby");
    expect(await dave.page.evaluate(() => (window as unknown as { __samePage?: boolean }).__samePage)).toBe(true);
    for (const user of [dave, erin, fay]) await user.page.close();
  });
});
