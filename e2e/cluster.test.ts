// A call across a cluster, in Chromium with real media: three server nodes (real processes)
// sharing one real redis-server, alice and bob each on a different node. Alice's node crashes
// (SIGKILL) mid-call: media flows peer to peer, so it must not stop; her app reconnects through
// another node and logs in again as "alice" (her dead node cannot hand her session over), bob
// never sees her leave or come back renamed, and the call's signaling works across nodes after.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRedis, type RunningRedis } from "../packages/server/test/support/redis-server.js";
import { AppPage } from "./support/app-page.js";
import { launchBrowser, type TestBrowser, type TestUser } from "./support/browser.js";
import { ensureAppBuilt } from "./support/build-app.js";
import { ensureServerBuilt, startEntrance, startNodeProcess, type Entrance, type NodeProcess } from "./support/cluster.js";
import { watchFrames } from "./support/frame-watch.js";
import { peerConnectionCount, trackPeerConnections } from "./support/peer-connections.js";
import { expectMediaFlowing } from "./support/scenario.js";
import { useSmallCamera } from "./support/small-camera.js";

/** Short, so that the cluster notices a dead node within the test's patience. */
const NODE_HEARTBEAT_MS = 250;
const NODE_TIMEOUT_MS = 1500;
/**
 * From the crash to alice logged in again: her first retry comes within 250 ms (the client's
 * backoff, full jitter), a few more within 2 s if the first ones fail; her new node gives up on
 * the dead one within NODE_TIMEOUT_MS. Generous, the test still ends well under a minute.
 */
const BACK_WITHIN_MS = 15_000;

describe("a call across a cluster whose node crashes", () => {
  let redis: RunningRedis;
  let browser: TestBrowser;
  let nodes: NodeProcess[] = [];
  /** Every node started, also when another failed to (then `nodes` stays empty). */
  const started: NodeProcess[] = [];
  const entrances: Entrance[] = [];
  const users: TestUser[] = [];

  async function openUser(entrance: Entrance, name: string): Promise<AppPage> {
    const user = await browser.newUser(entrance.url);
    users.push(user);
    await Promise.all([trackPeerConnections(user.page), useSmallCamera(user.page)]);
    const app = await AppPage.open(user.page, entrance.url, name);
    expect(app.name).toBe(name);
    return app;
  }

  /** Waits until `viewer`'s user list shows `name`, who is on another node: only the cluster can tell it. */
  async function seesAcrossNodes(viewer: AppPage, name: string): Promise<void> {
    await expect
      .poll(async () => (await viewer.users()).map((user) => user.name), { timeout: 10_000, message: `${viewer.name} sees ${name} (on another node)` })
      .toContain(name);
  }

  /** How many WebSockets each node holds, by node id. */
  async function connectionsOn(live: NodeProcess[]): Promise<Record<string, number>> {
    const counts = await Promise.all(live.map(async (node) => [node.id, (await node.health()).connections] as const));
    return Object.fromEntries(counts);
  }

  beforeAll(async () => {
    let staticDir: string;
    [redis, browser, staticDir] = await Promise.all([startRedis(), launchBrowser(), ensureAppBuilt(), ensureServerBuilt()]);
    const env = {
      REDIS_URL: redis.url,
      STATIC_DIR: staticDir,
      PRESENCE_INTERVAL_MS: "20",
      NODE_HEARTBEAT_MS: String(NODE_HEARTBEAT_MS),
      NODE_TIMEOUT_MS: String(NODE_TIMEOUT_MS),
    };
    nodes = await Promise.all(
      ["node-1", "node-2", "node-3"].map(async (id) => {
        const node = await startNodeProcess(id, env);
        started.push(node);
        return node;
      }),
    );
  });

  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    await Promise.all(entrances.map((entrance) => entrance.close()));
    await Promise.all(started.map((node) => node.kill()));
    await redis?.stop();
  });

  it("alice's node is killed mid-call: media never stops, she is back as alice through another node, hang-up and a new call work", async ({ onTestFailed }) => {
    // What the nodes logged is what explains a failure here.
    onTestFailed(() => {
      for (const node of started) console.error(`--- ${node.id} logs:\n${node.logs()}`);
    });
    const [node1, node2, node3] = nodes as [NodeProcess, NodeProcess, NodeProcess];
    const [aliceEntrance, bobEntrance] = await Promise.all([startEntrance(node1), startEntrance(node2)]);
    entrances.push(aliceEntrance, bobEntrance);
    const [alice, bob] = await Promise.all([openUser(aliceEntrance, "alice"), openUser(bobEntrance, "bob")]);
    // Each sees the other only through Redis: they are on different nodes.
    await Promise.all([seesAcrossNodes(alice, "bob"), seesAcrossNodes(bob, "alice")]);
    expect(await connectionsOn(nodes)).toEqual({ "node-1": 1, "node-2": 1, "node-3": 0 });

    await alice.call("bob");
    await bob.accept("alice");
    await Promise.all([alice.waitForCallState("active"), bob.waitForCallState("active")]);
    await expectMediaFlowing(alice, bob);

    // Bob's page notes every name its user list ever shows, and whether alice ever left it;
    // alice's page notes her connection's states.
    await bob.page.evaluate(() => {
      const seen = new Set<string>();
      const state = window as unknown as { __namesSeen: Set<string>; __aliceLeft: boolean };
      state.__namesSeen = seen;
      state.__aliceLeft = false;
      new MutationObserver(() => {
        const rows = [...document.querySelectorAll<HTMLElement>(".user-row")].map((row) => row.dataset.user ?? "");
        for (const name of rows) seen.add(name);
        if (!rows.includes("alice")) state.__aliceLeft = true;
      }).observe(document.body, { childList: true, subtree: true, attributes: true });
    });
    await alice.page.evaluate(() => {
      const connection = document.querySelector<HTMLElement>(".connection")!;
      const states: string[] = [];
      (window as unknown as { __connectionStates: string[] }).__connectionStates = states;
      new MutationObserver(() => {
        const state = connection.dataset.state ?? "";
        if (states.at(-1) !== state) states.push(state);
      }).observe(connection, { attributes: true, attributeFilter: ["data-state"] });
    });

    // The load balancer sends new connections elsewhere, then alice's node crashes: her
    // WebSocket ends with no close frame, and her new one reaches node-3.
    aliceEntrance.routeTo(node3);
    const frames = watchFrames(alice, bob);
    const crashedAt = Date.now();
    await node1.kill();
    await expectMediaFlowing(alice, bob);

    await alice.page.waitForFunction(
      () => {
        const states = (window as unknown as { __connectionStates: string[] }).__connectionStates;
        return states.includes("reconnecting") && states.at(-1) === "open";
      },
      undefined,
      { timeout: BACK_WITHIN_MS, polling: 50 },
    );
    const backAfterMs = Date.now() - crashedAt;
    expect(await alice.selfName()).toBe("alice");
    await Promise.all([alice.waitForUserStatus("bob", "busy"), bob.waitForUserStatus("alice", "busy")]);
    expect(await connectionsOn([node2, node3])).toEqual({ "node-2": 1, "node-3": 1 });
    // Longer than the cluster takes to declare node-1 dead: a late rename or leave would show by now.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, NODE_TIMEOUT_MS * 2 - (Date.now() - crashedAt))));
    await expectMediaFlowing(alice, bob);
    const stalls = await frames.stop();
    console.info(`cluster e2e: alice back ${backAfterMs} ms after the crash; frames while watched: ${JSON.stringify(stalls)}`);

    for (const stall of stalls) expect(stall.longestStallMs, `${stall.name}'s video froze`).toBeLessThan(2_000);
    expect([await alice.callState(), await bob.callState()]).toEqual(["active", "active"]);
    // The same peer connections carried the call through: no renegotiation from scratch.
    expect([await peerConnectionCount(alice.page), await peerConnectionCount(bob.page)]).toEqual([1, 1]);
    const bobSaw = await bob.page.evaluate(() => {
      const state = window as unknown as { __namesSeen: Set<string>; __aliceLeft: boolean };
      return { names: [...state.__namesSeen].sort(), aliceLeft: state.__aliceLeft };
    });
    expect(bobSaw).toEqual({ names: ["alice", "bob"], aliceLeft: false });
    expect((await alice.users()).map((user) => user.name).sort()).toEqual(["alice", "bob"]);

    // Bob's hang-up goes from node-2 to alice on node-3.
    await bob.hangUp();
    await Promise.all([alice.waitForCallState("idle"), bob.waitForCallState("idle")]);
    await Promise.all([alice.waitForUserStatus("bob", "available"), bob.waitForUserStatus("alice", "available")]);

    // A new call, alice from node-3 to bob on node-2, negotiated from scratch.
    await alice.call("bob");
    await bob.accept("alice");
    await Promise.all([alice.waitForCallState("active"), bob.waitForCallState("active")]);
    await expectMediaFlowing(alice, bob);
    expect([await peerConnectionCount(alice.page), await peerConnectionCount(bob.page)]).toEqual([2, 2]);
    await alice.hangUp();
    await Promise.all([alice.waitForCallState("idle"), bob.waitForCallState("idle")]);

    expect(users.flatMap((user) => user.pageErrors)).toEqual([]);
  });
});
