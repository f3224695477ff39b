// Issue 13, point 3: the SDK reports each call's setup to a server that takes call-metrics, and
// the server counts it (RTCPeerConnection faked: "connected" once both descriptions are set).
import { describe, expect, it } from "vitest";
import { histogramOf, scrape } from "../../server/test/support/scrape.js";
import { FakePeerConnection } from "./support/fake-peer-connection.js";
import { joinAll, member } from "./support/group.js";
import { nextIncoming, phone, reaches } from "./support/phones.js";
import { serverPerTest, until } from "./support/server.js";

const env = serverPerTest({}, () => {
  FakePeerConnection.instances.length = 0;
});
const { pool } = env;

/** How many call setups of `kind` the server has counted. */
async function setups(kind: "direct" | "group"): Promise<number> {
  const url = `${env.running.wsUrl.replace(/^ws/, "http").replace(/\/ws$/, "")}/metrics`;
  return histogramOf(await scrape(url), "switchboard_call_setup_seconds", { kind }).count;
}

describe("call-setup reports", () => {
  it("come from both sides of a 1:1 call once it connects", async () => {
    const alice = await phone(pool, "alice");
    const bob = await phone(pool, "bob", ["alice"]);
    await until(alice.client, "users", () => alice.client.user("bob") !== undefined);
    expect(alice.client.welcome?.features).toContain("call-metrics");
    const ringing = nextIncoming(bob.manager);
    const outgoing = alice.manager.call("bob");
    const incoming = await ringing;
    await incoming.accept();
    await Promise.all([reaches(outgoing, "connected"), reaches(incoming, "connected")]);
    await expect.poll(() => setups("direct")).toBe(2);
    expect(await setups("group")).toBe(0);
  });

  it("come from each side of each pair of a group call", async () => {
    const members = await Promise.all(["dana", "erin", "fay"].map((name) => member(pool, name, "standup")));
    await joinAll(members);
    await expect.poll(() => setups("group")).toBe(6);
    expect(await setups("direct")).toBe(0);
  });
});
