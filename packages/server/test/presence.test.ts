// Point 5 of the server issue: presence that scales.
import { afterEach, describe, expect, it } from "vitest";
import { TestClient } from "./support/test-client.js";
import { startServer, type RunningServer } from "./support/server.js";

let running: RunningServer | undefined;
const clients: TestClient[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
  await running?.server.close();
});

/** Applies a modern client's presence messages, in order, as set operations. */
function presenceOf(client: TestClient): Set<string> {
  const users = new Set<string>();
  for (const message of client.received) {
    if (message.type === "userlist") {
      users.clear();
      for (const name of message.users as string[]) users.add(name);
    } else if (message.type === "user-joined") {
      for (const name of message.users as string[]) users.add(name);
    } else if (message.type === "user-left") {
      for (const name of message.users as string[]) users.delete(name);
    }
  }
  return users;
}

describe("modern clients", () => {
  it("get the full list once, then joined/left deltas", async () => {
    running = await startServer();
    const alice = await TestClient.modern(running.wsUrl, "Alice");
    clients.push(alice);
    expect(alice.all("userlist")).toEqual([{ type: "userlist", users: ["Alice"], busy: [], legacy: [] }]);

    const bob = await TestClient.modern(running.wsUrl, "Bob");
    const carol = await TestClient.legacy(running.wsUrl, "Carol");
    clients.push(bob, carol);
    await alice.next("user-joined", (m) => (m.users as string[]).includes("Carol"));
    expect(alice.all("userlist")).toHaveLength(1);
    expect(alice.all("user-joined").flatMap((m) => m.legacy ?? [])).toEqual(["Carol"]);
    expect(bob.all("userlist")[0]).toMatchObject({ users: ["Alice", "Bob"] });

    await carol.close();
    clients.pop();
    await alice.next("user-left", (m) => (m.users as string[]).includes("Carol"));
    expect([...presenceOf(alice)].sort()).toEqual(["Alice", "Bob"]);
  });

  it("see busy users in the snapshot and as status deltas", async () => {
    running = await startServer();
    const alice = await TestClient.modern(running.wsUrl, "Alice");
    clients.push(alice);
    alice.send({ type: "set-status", status: "busy", ref: 1 });
    await alice.next("ack", (m) => m.ref === 1);
    const bob = await TestClient.modern(running.wsUrl, "Bob");
    clients.push(bob);
    expect(bob.all("userlist")[0]).toMatchObject({ busy: ["Alice"] });
    alice.send({ type: "set-status", status: "available" });
    // Deltas may replay changes the snapshot already holds (they are ordered and idempotent).
    expect(await bob.next("user-status", (m) => m.status === "available")).toEqual({
      type: "user-status",
      name: "Alice",
      status: "available",
    });
  });

  it("converge on the same list after a join-and-leave storm", async () => {
    running = await startServer({ presenceIntervalMs: 50 });
    const watcher = await TestClient.modern(running.wsUrl, "Watcher");
    clients.push(watcher);
    const storm = await Promise.all(Array.from({ length: 60 }, (_, i) => TestClient.modern(running!.wsUrl, `user${i}`)));
    await Promise.all(storm.filter((_, i) => i % 2 === 0).map((client) => client.close()));
    const remaining = storm.filter((_, i) => i % 2 === 1);
    clients.push(...remaining);
    const expected = ["Watcher", ...remaining.map((client) => client.name)].sort();
    for (const client of [watcher, ...remaining]) {
      await expect.poll(() => [...presenceOf(client)].sort(), { timeout: 5000 }).toEqual(expected);
    }
    // Deltas are batched: far fewer messages than one per join and leave.
    const deltaCount = watcher.all("user-joined").length + watcher.all("user-left").length;
    expect(deltaCount).toBeLessThan(60);
  });
});

describe("article clients", () => {
  it("still get userlist, coalesced into few lists during a join storm", async () => {
    running = await startServer({ presenceIntervalMs: 100 });
    const first = await TestClient.legacy(running.wsUrl, "First");
    clients.push(first);
    const storm = await Promise.all(Array.from({ length: 100 }, (_, i) => TestClient.legacy(running!.wsUrl, `u${i}`)));
    clients.push(...storm);
    await first.next("userlist", (m) => (m.users as string[]).length === 101);
    // The article's server would have sent 100 lists; coalescing sends a handful.
    expect(first.all("userlist").length).toBeLessThan(20);
    expect(first.all("user-joined")).toEqual([]);
  });
});
