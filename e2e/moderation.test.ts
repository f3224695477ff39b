// Moderation in open mode between real browser users: the room's longest-present user
// moderates it. Media is checked by frames really decoded; videos are small (320x240 at 15 fps)
// since four browsers share two cores.
import { describe, expect, it } from "vitest";
import { appUsersPerFile } from "./support/app-users.js";
import { GroupCallPage } from "./support/group-page.js";
import { ModerationPage } from "./support/moderation-page.js";

const ROOM = "town-hall";
const PATH = `/r/${ROOM}?video=320x240@15`;

describe("moderation (open mode)", () => {
  const users = appUsersPerFile();

  it("the first user moderates: mute request, removal with a reason, lock, end call, and the role passes on", async () => {
    // One after the other: who came first is who moderates.
    const ann = new ModerationPage(await users.open("ann", PATH));
    await ann.waitForControls(true);
    const bob = new ModerationPage(await users.open("bob", PATH));
    const cid = new ModerationPage(await users.open("cid", PATH));
    await ann.app.waitForUsers(["ann", "bob", "cid"]);
    // Ask to mute and Remove… on each of the two others' rows.
    expect(await ann.controlsShown()).toEqual({ panel: true, userButtons: 4 });
    await bob.app.waitForUsers(["ann", "bob", "cid"]);
    expect(await bob.controlsShown()).toEqual({ panel: false, userButtons: 0 });

    // A group call of three, media really flowing.
    const calls = [ann, bob, cid].map((user) => new GroupCallPage(user.app));
    for (const call of calls) await call.join();
    for (const call of calls) await call.waitForTiles(["ann", "bob", "cid"]);
    const [annCall, bobCall, cidCall] = calls as [GroupCallPage, GroupCallPage, GroupCallPage];
    await Promise.all([annCall.expectVideoRisingFrom(["bob", "cid"]), bobCall.expectVideoRisingFrom(["ann", "cid"])]);

    // Asked to mute: bob's microphone goes off (what he sends, and what ann's tile of him says), and he is told by whom.
    expect(await bob.outgoingAudioEnabled()).toEqual([true, true]);
    await ann.askToMute("bob");
    await bob.waitForChatNotice("ann asked you to mute");
    await bob.app.waitForNotice(/^ann asked you to mute$/);
    await ann.page.locator('.tile[data-peer="bob"][data-audio="false"]').waitFor();
    expect(await bob.outgoingAudioEnabled()).toEqual([false, false]);
    expect(await bob.page.getByRole("button", { name: "Unmute microphone" }).getAttribute("aria-pressed")).toBe("true");
    // Only the target hears of a mute request.
    expect(await cid.page.locator(".chat-notice", { hasText: "asked you to mute" }).count()).toBe(0);

    // Removed with a reason: cid is told, stays out (no new WebSocket), and leaves everyone's lists and tiles.
    const cidSockets: string[] = [];
    cid.page.on("websocket", (socket) => cidSockets.push(socket.url()));
    await ann.remove("cid", "spam");
    expect(await cid.endedText()).toBe(`You were removed from ${ROOM} by ann: spam`);
    await bob.waitForChatNotice("cid was removed by ann: spam");
    await ann.waitForChatNotice("cid was removed by you: spam");
    for (const user of [ann, bob]) {
      await user.page.locator('.user-row[data-user="cid"]').waitFor({ state: "detached" });
      await new GroupCallPage(user.app).waitForTiles(["ann", "bob"]);
    }
    expect(await cid.openPeerConnections()).toBe(0);
    expect(await cid.page.locator('.connection[data-state="closed"]').count()).toBe(1);
    // Four of the SDK's first reconnect delays (250 ms): a client that reconnected would have by now.
    await cid.page.waitForTimeout(1_000);
    expect(cidSockets).toEqual([]);
    expect(await cid.page.locator('#app[data-phase="ended"]').count()).toBe(1);
    await cid.page.getByRole("button", { name: "Back to the rooms" }).click();
    await cid.page.getByRole("button", { name: "Create a room" }).waitFor();
    expect(new URL(cid.page.url()).pathname).toBe("/");

    // Locked: a newcomer is refused, and told why.
    await ann.lock();
    await bob.waitForChatNotice("ann locked the room");
    await ann.panel.getByRole("button", { name: "Unlock room" }).waitFor();
    const dave = await users.visit(PATH);
    await dave.getByLabel("Your name").fill("dave");
    await dave.getByRole("button", { name: "Join" }).click();
    await dave.getByRole("alert").filter({ hasText: `The room “${ROOM}” is locked` }).waitFor();
    expect(await dave.locator("#app").getAttribute("data-phase")).toBe("login");
    await ann.app.waitForUsers(["ann", "bob"]);
    expect((await ann.app.users()).map((user) => user.name).sort()).toEqual(["ann", "bob"]);

    // End call for everyone: both leave the call, tiles gone, media connections closed.
    await ann.endCall();
    for (const user of [ann, bob]) {
      await user.page.locator('#app[data-group-state="idle"]').waitFor({ state: "attached" });
      await new GroupCallPage(user.app).waitForTiles([]);
      await user.waitForChatNotice(user === ann ? "You ended the group call for everyone" : "ann ended the group call for everyone");
      await expect.poll(() => user.openPeerConnections()).toBe(0);
      // Ended on purpose, not failed.
      expect(await user.page.locator(".notice-text", { hasText: "The group call failed" }).count()).toBe(0);
    }
    await ann.panel.getByRole("button", { name: "End call for everyone" }).waitFor({ state: "hidden" });

    // Ann leaves: bob, there longest now, moderates.
    await ann.page.close();
    await bob.waitForControls(true);
    await bob.page.getByRole("button", { name: "Unlock room" }).waitFor();
  });

  it("a room password set by its moderator: the login page and the room picker ask for it, and it lets people in", async () => {
    const vault = "/r/vault";
    const ann = new ModerationPage(await users.open("ann2", vault));
    await ann.waitForControls(true);
    await ann.panel.getByRole("button", { name: "Set password" }).click();
    const dialog = ann.page.getByRole("dialog", { name: "Set a room password" });
    await dialog.getByLabel("Password for new joins").fill("s3cret");
    await dialog.getByRole("button", { name: "Set password" }).click();
    await ann.panel.getByRole("button", { name: "Clear password" }).waitFor();
    await ann.waitForChatNotice("You changed the room's password");

    // At login: asked for the password, told when it is wrong, let in with the right one.
    const eve = await users.visit(vault);
    const login = eve.getByRole("form", { name: "Switchboard" });
    await login.getByLabel("Your name").fill("eve");
    await eve.getByRole("button", { name: "Join" }).click();
    await eve.getByRole("alert").filter({ hasText: "The room “vault” needs a password." }).waitFor();
    await login.getByLabel("Room password").fill("guess");
    await eve.getByRole("button", { name: "Join" }).click();
    await eve.getByRole("alert").filter({ hasText: "needs a password, and that was not it" }).waitFor();
    await login.getByLabel("Room password").fill("s3cret");
    await eve.getByRole("button", { name: "Join" }).click();
    await eve.locator('#app[data-phase="workspace"][data-room="vault"]').waitFor();

    // From another room, through the room picker.
    const fay = await users.open("fay", "/r/elsewhere");
    const picker = fay.page.getByRole("region", { name: "Rooms" });
    await picker.getByLabel("Room name").fill("vault");
    await picker.getByRole("button", { name: "Open room" }).click();
    await picker.getByRole("alert").filter({ hasText: "The room “vault” needs a password." }).waitFor();
    await picker.getByLabel("Room password").fill("s3cret");
    await picker.getByRole("button", { name: "Open room" }).click();
    await fay.page.locator('#app[data-room="vault"]').waitFor({ state: "attached" });
    await ann.app.waitForUsers(["ann2", "eve", "fay"]);
  });
});
