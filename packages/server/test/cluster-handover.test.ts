// Sessions moving between nodes: in one process, nodes on one in-memory broker (the Redis
// cluster's process-level tests are in cluster.test.ts).
import { CLOSE_CODES } from "@switchboard/protocol";
import { afterEach, describe, expect, it } from "vitest";
import { MemoryBroker, MemoryBus } from "../src/bus/memory-bus.js";
import { createServer, type SwitchboardServer } from "../src/index.js";
import { checkedServer } from "./support/frame-check.js";
import { TestClient } from "./support/test-client.js";

interface Node {
  server: SwitchboardServer;
  bus: MemoryBus;
  wsUrl: string;
}

const running: Node[] = [];
const clients: TestClient[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.socket.terminate();
  await Promise.all(running.splice(0).map((node) => node.server.close()));
});

async function startNodes(count: number, broker = new MemoryBroker()): Promise<Node[]> {
  const nodes: Node[] = [];
  for (let i = 0; i < count; i++) {
    const bus = new MemoryBus(broker, `node-${i + 1}`);
    const server = checkedServer((observers) =>
      createServer({ port: 0, host: "127.0.0.1", logLevel: "silent", drainTimeoutMs: 1500 }, observers, { bus }),
    );
    const { port } = await server.listen();
    const node = { server, bus, wsUrl: `ws://127.0.0.1:${port}/ws` };
    running.push(node);
    nodes.push(node);
  }
  return nodes;
}

function track(client: TestClient): TestClient {
  clients.push(client);
  return client;
}

async function modern(node: Node, name: string): Promise<TestClient> {
  const client = await TestClient.modern(node.wsUrl, name);
  clients.push(client);
  return client;
}

/** Messages after the (first) welcome: what the client counts for resuming. */
const countedSinceWelcome = (client: TestClient) => client.received.length - client.received.findIndex((m) => m.type === "welcome") - 1;

async function resumeOn(node: Node, client: TestClient, received = countedSinceWelcome(client)): Promise<TestClient> {
  const again = await TestClient.connect(node.wsUrl);
  clients.push(again);
  await again.next("id");
  again.send({ type: "hello", protocol: 1, resume: client.all("welcome").at(-1)!.resumeToken, received });
  again.name = client.name;
  return again;
}

describe("a session resumed on another node", () => {
  it("is handed over: same session, what was sent meanwhile delivered once, nobody sees its user leave", async () => {
    const broker = new MemoryBroker();
    const [a, b] = await startNodes(2, broker);
    const alice = await modern(a!, "Alice");
    const bob = await modern(b!, "Bob");
    await alice.next("user-joined", (m) => (m.users as string[]).includes("Bob"));
    const received = countedSinceWelcome(alice);
    alice.socket.terminate();
    await alice.closed;
    bob.send({ type: "message", text: "while away", target: "Alice" });
    bob.send({ type: "video-offer", target: "Alice", sdp: { type: "offer", sdp: "v=0" } });
    bob.send({ type: "set-status", status: "busy" });
    await bob.expectNone("error");

    const again = await resumeOn(b!, alice, received);
    const welcome = await again.next("welcome");
    expect(welcome).toMatchObject({ resumed: true, id: alice.all("welcome")[0]!.id });
    expect(welcome.resumeToken).not.toBe(alice.all("welcome")[0]!.resumeToken);
    await again.next("video-offer");
    expect(again.all("message").map((m) => m.text)).toEqual(["while away"]);
    await bob.expectNone("user-left");
    // Routed to its new node from both: the node it left, and the one it is on.
    again.send({ type: "note", target: "Bob", n: 1 });
    expect(await bob.next("note")).toMatchObject({ name: "Alice", from: "Alice", n: 1 });
    bob.send({ type: "note", target: "Alice", n: 2 });
    expect(await again.next("note")).toMatchObject({ name: "Bob", n: 2 });
    // Its own node is now b: a third node sees it there.
    const [c] = await startNodes(1, broker);
    const carol = await modern(c!, "Carol");
    carol.send({ type: "note", target: "Alice", n: 3 });
    expect(await again.next("note", (m) => m.n === 3)).toMatchObject({ name: "Carol" });
  });

  it("hands what the client sent right behind its resuming hello to the resumed session", async () => {
    const [a, b] = await startNodes(2);
    const alice = await modern(a!, "Alice");
    const bob = await modern(b!, "Bob");
    await alice.next("user-joined", (m) => (m.users as string[]).includes("Bob"));
    alice.socket.terminate();
    await alice.closed;
    const again = track(await TestClient.connect(b!.wsUrl));
    await again.next("id");
    // One write: the note waits behind the hello while the session comes from the other node.
    again.socket.send(JSON.stringify({ type: "hello", protocol: 1, resume: alice.all("welcome")[0]!.resumeToken, received: countedSinceWelcome(alice) }));
    again.socket.send(JSON.stringify({ type: "note", target: "Bob", n: 1 }));
    expect(await again.next("welcome")).toMatchObject({ resumed: true });
    expect(await bob.next("note")).toMatchObject({ name: "Alice", n: 1 });
    await again.expectNone("error");
  });

  it("looks a token up elsewhere once per connection: a second hello does not try again", async () => {
    const [a, b] = await startNodes(2);
    const alice = await modern(a!, "Alice");
    alice.socket.terminate();
    await alice.closed;
    const prober = track(await TestClient.connect(b!.wsUrl));
    await prober.next("id");
    prober.send({ type: "hello", protocol: 1 });
    await prober.next("welcome");
    prober.send({ type: "hello", protocol: 1, resume: alice.all("welcome")[0]!.resumeToken, received: 0 });
    expect(await prober.next("welcome")).toMatchObject({ resumed: false });
  });

  it("takes its calls along: an untargeted call message reaches the partner it had on the old node", async () => {
    const [a, b, c] = await startNodes(3);
    const alice = await modern(a!, "Alice");
    const carol = await modern(c!, "Carol");
    alice.send({ type: "video-offer", target: "Carol", sdp: { type: "offer", sdp: "v=0" } });
    await carol.next("video-offer");
    alice.socket.terminate();
    await alice.closed;
    const again = await resumeOn(b!, alice);
    expect(await again.next("welcome")).toMatchObject({ resumed: true });
    // The article's client hangs up with no target: only its call partners get it.
    again.send({ type: "hang-up" });
    expect(await carol.next("hang-up")).toMatchObject({ name: "Alice" });
    await again.expectNone("error");
  });

  it("gets its name back on a fresh session when its node is gone, without anyone seeing it leave", async () => {
    const [a, b] = await startNodes(2);
    const alice = await modern(a!, "Alice");
    const bob = await modern(b!, "Bob");
    await alice.next("user-joined", (m) => (m.users as string[]).includes("Bob"));
    a!.bus.crash();
    alice.socket.terminate();
    const again = await resumeOn(b!, alice);
    expect(await again.next("welcome")).toMatchObject({ resumed: false });
    again.send({ type: "username", name: "Alice" });
    const list = await again.next("userlist");
    expect(list.users).toEqual(["Alice", "Bob"]);
    expect(again.all("rejectusername")).toEqual([]);
    await bob.expectNone("user-left");
    bob.send({ type: "note", target: "Alice" });
    expect(await again.next("note")).toMatchObject({ name: "Bob" });
  });
});

describe("draining a node (SIGTERM)", () => {
  it("moves its modern users to the others as they resume there: nobody sees them leave", async () => {
    const [a, b] = await startNodes(2);
    const alice = await modern(a!, "Alice");
    const bob = await modern(b!, "Bob");
    await alice.next("user-joined", (m) => (m.users as string[]).includes("Bob"));
    const closing = a!.server.close();
    expect((await alice.closed).code).toBe(CLOSE_CODES.serviceRestart);
    const again = await resumeOn(b!, alice);
    expect(await again.next("welcome")).toMatchObject({ resumed: true });
    await closing;
    running.splice(running.indexOf(a!), 1);
    await bob.expectNone("user-left");
    bob.send({ type: "note", target: "Alice" });
    expect(await again.next("note")).toMatchObject({ name: "Bob" });
  });
});
