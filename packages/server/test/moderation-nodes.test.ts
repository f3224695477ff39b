// Moderation where a node dies or a session moves between nodes: servers of one process sharing
// an in-memory store (MemoryBroker), so that a node can be crashed at an exact point.
import { afterEach, describe, expect, it } from "vitest";
import { MemoryBroker, MemoryBus } from "../src/bus/memory-bus.js";
import { mintToken } from "../src/auth/mint-token.js";
import { createServer, type ConfigInput, type SwitchboardServer } from "../src/index.js";
import { checkedServer } from "./support/frame-check.js";
import { TestClient } from "./support/test-client.js";

const SECRET = "a-test-secret-of-more-than-32-characters";

interface TestNode {
  server: SwitchboardServer;
  bus: MemoryBus;
  wsUrl: string;
}
const nodes: TestNode[] = [];
const clients: TestClient[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) client.socket.terminate();
  await Promise.all(nodes.splice(0).map((node) => node.server.close()));
});

async function startNodes(count: number, config: ConfigInput = {}): Promise<TestNode[]> {
  const broker = new MemoryBroker();
  const started: TestNode[] = [];
  for (let i = 1; i <= count; i++) {
    const bus = new MemoryBus(broker, `node-${i}`);
    const server = checkedServer((observers) => createServer({ port: 0, host: "127.0.0.1", logLevel: "silent", drainTimeoutMs: 500, ...config }, observers, { bus }));
    const { port } = await server.listen();
    started.push({ server, bus, wsUrl: `ws://127.0.0.1:${port}/ws` });
  }
  nodes.push(...started);
  return started;
}

const track = (client: TestClient) => (clients.push(client), client);

const sinceWelcome = (client: TestClient) => client.received.length - client.received.findIndex((m) => m.type === "welcome") - 1;

/** Reconnects through `node` with `client`'s resume token (and `token`, in AUTH=jwt). */
async function resume(node: TestNode, client: TestClient, token?: string): Promise<TestClient> {
  const again = track(await TestClient.connect(node.wsUrl));
  await again.next("id");
  again.send({ type: "hello", protocol: 1, resume: client.all("welcome").at(-1)!.resumeToken, received: sinceWelcome(client), ...(token && { token }) });
  return again;
}

describe("moderation across nodes", () => {
  it("keeps a removed user of a node that died out of the room, lock and password or not", async () => {
    const [a, b] = await startNodes(2);
    const mod = track(await TestClient.modern(b!.wsUrl, "Mod", "r"));
    const troll = track(await TestClient.modern(a!.wsUrl, "Troll", "r"));
    await mod.next("user-joined", (m) => (m.users as string[]).includes("Troll"));
    a!.bus.crash();
    expect(await mod.request({ type: "moderate", action: "remove", target: "Troll" })).toBe("ack");
    troll.socket.terminate();
    // Its node is gone: the resume gives a fresh session in its place, which must not get back in.
    const again = await resume(b!, troll);
    expect(await again.next("welcome")).toMatchObject({ resumed: false, room: "r" });
    again.send({ type: "username", name: "Troll", ref: "login" });
    expect(await again.answer("login")).toBe("room-locked");
  });

  it("lets a user of a node that died back into a locked room it was in", async () => {
    const [a, b] = await startNodes(2);
    const mod = track(await TestClient.modern(b!.wsUrl, "Mod", "r"));
    const kim = track(await TestClient.modern(a!.wsUrl, "Kim", "r"));
    await mod.next("user-joined", (m) => (m.users as string[]).includes("Kim"));
    expect(await mod.request({ type: "moderate", action: "lock" })).toBe("ack");
    a!.bus.crash();
    kim.socket.terminate();
    const again = await resume(b!, kim);
    await again.next("welcome");
    again.send({ type: "username", name: "Kim", ref: "login" });
    expect(await again.answer("login")).toBe("ack");
  });

  it("keeps a moderator's role, as every node sees it, when its session moves to another node", async () => {
    const [a, b] = await startNodes(2, { auth: "jwt", jwtSecret: SECRET });
    const signIn = async (node: TestNode, name: string, role?: "moderator") => {
      const client = track(await TestClient.connect(node.wsUrl));
      await client.next("id");
      client.send({ type: "hello", protocol: 1, room: "h", token: await mintToken({ name, secret: SECRET, ...(role && { role }) }) });
      await client.next("welcome");
      client.send({ type: "username", name, ref: "login" });
      client.name = name;
      expect(await client.answer("login")).toBe("ack");
      return client;
    };
    const ann = await signIn(a!, "ann", "moderator");
    const mod2 = await signIn(a!, "mod2", "moderator");
    const bob = await signIn(b!, "bob");
    await bob.next("room-state", (m) => (m.moderators as string[]).length === 2);
    const again = await resume(b!, ann, await mintToken({ name: "ann", secret: SECRET, role: "moderator" }));
    expect(await again.next("welcome")).toMatchObject({ resumed: true });
    // The node it left and the one beside it still count it a moderator.
    expect(await mod2.request({ type: "moderate", action: "remove", target: "ann" })).toBe("not-moderator");
    await bob.expectNone("room-state", (m) => (m.moderators as string[]).length !== 2);
    expect(mod2.all("room-state").at(-1)).toMatchObject({ moderators: ["ann", "mod2"] });
  });
});
