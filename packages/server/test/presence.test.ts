// Point 5 of the server issue: presence that scales.
import { describe, expect, it } from "vitest";
import { useServer } from "./support/fixture.js";
import { TestClient } from "./support/test-client.js";

const running = useServer();

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
    await running.start();
    const alice = await running.modern("Alice");
    expect(alice.all("userlist")).toEqual([{ type: "userlist", users: ["Alice"], busy: [], legacy: [] }]);

    const bob = await running.modern("Bob");
    const carol = await running.legacy("Carol");
    await alice.next("user-joined", (m) => (m.users as string[]).includes("Carol"));
    expect(alice.all("userlist")).toHaveLength(1);
    expect(alice.all("user-joined").flatMap((m) => m.legacy ?? [])).toEqual(["Carol"]);
    expect(bob.all("userlist")[0]).toMatchObject({ users: ["Alice", "Bob"] });

    await carol.close();
    await alice.next("user-left", (m) => (m.users as string[]).includes("Carol"));
    expect([...presenceOf(alice)].sort()).toEqual(["Alice", "Bob"]);
  });

  it("see busy users in the snapshot and as status deltas", async () => {
    await running.start();
    const alice = await running.modern("Alice");
    alice.send({ type: "set-status", status: "busy", ref: 1 });
    await alice.next("ack", (m) => m.ref === 1);
    const bob = await running.modern("Bob");
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
    await running.start({ presenceIntervalMs: 50 });
    const watcher = await running.modern("Watcher");
    const storm = await Promise.all(Array.from({ length: 60 }, (_, i) => running.modern(`user${i}`)));
    await Promise.all(storm.filter((_, i) => i % 2 === 0).map((client) => client.close()));
    const remaining = storm.filter((_, i) => i % 2 === 1);
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
    await running.start({ presenceIntervalMs: 100 });
    const first = await running.legacy("First");
    await Promise.all(Array.from({ length: 100 }, (_, i) => running.legacy(`u${i}`)));
    await first.next("userlist", (m) => (m.users as string[]).length === 101);
    // The article's server would have sent 100 lists; coalescing sends a handful.
    expect(first.all("userlist").length).toBeLessThan(20);
    expect(first.all("user-joined")).toEqual([]);
  });
});
