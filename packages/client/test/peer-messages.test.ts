// App-defined messages end to end, and nobody speaking as the server: SDK clients on the real server.
import type { PeerMessage, SignalingClient, SignalingClientEvents } from "@switchboard/client";
import { describe, expect, it } from "vitest";
import { nextEvent, serverPerTest, until } from "./support/server.js";


const env = serverPerTest();
const { pool } = env;

async function pair(): Promise<[SignalingClient, SignalingClient]> {
  const alice = await pool.loggedIn("alice");
  const bob = await pool.loggedIn("bob");
  await until(alice, "users", () => alice.user("bob") !== undefined);
  await until(bob, "users", () => bob.user("alice") !== undefined);
  return [alice, bob];
}

/** What a forged server message could reach in the SDK. */
const WATCHED: (keyof SignalingClientEvents)[] = ["error", "ice-servers", "user-left", "user-status", "history", "welcome", "renamed", "signal", "chat", "peer-message", "peer-message-invalid"];

function record(client: SignalingClient): string[] {
  const seen: string[] = [];
  for (const name of WATCHED) client.on(name, ((...args: unknown[]) => seen.push(`${name} ${JSON.stringify(args[0])}`)) as never);
  return seen;
}

const nextPeerMessage = (client: SignalingClient, type: string) =>
  nextEvent(client, "peer-message", (message) => message.type === type).then(([message]) => message);

describe("app-defined messages through the real server", () => {
  it("sendToPeer() reaches only its target, with the server's stamp as `from`", async () => {
    const [alice, bob] = await pair();
    const carol = await pool.loggedIn("carol");
    const carolSeen = record(carol);
    const arriving = nextPeerMessage(bob, "game-move");
    await alice.sendToPeer("bob", "game-move", { x: 3, y: 4 });
    const message: PeerMessage = await arriving;
    expect(message).toMatchObject({ type: "game-move", from: "alice", to: "bob", data: { x: 3, y: 4 } });
    // carol gets the next broadcast, and nothing before it.
    const toCarol = nextPeerMessage(carol, "cursor");
    const toAlice = nextPeerMessage(alice, "cursor"); // Everyone, the sender included.
    await alice.broadcast("cursor", [1, 2]);
    expect(await toCarol).toMatchObject({ type: "cursor", from: "alice", to: null, data: [1, 2] });
    expect(await toAlice).toMatchObject({ type: "cursor", from: "alice" });
    expect(carolSeen.filter((line) => line.startsWith("peer-message"))).toHaveLength(1);
  });

  it("a sender cannot choose its `from`: the server overwrites it", async () => {
    const [alice, bob] = await pair();
    const arriving = nextPeerMessage(bob, "game-move");
    alice.send({ type: "game-move", target: "bob", from: "server", name: "server", data: 1 });
    expect(await arriving).toMatchObject({ from: "alice", data: 1 });
  });

  it("an offline target rejects with unknown-target", async () => {
    const [alice] = await pair();
    await expect(alice.sendToPeer("nobody", "game-move")).rejects.toMatchObject({ source: "server", code: "unknown-target" });
  });

  it("a forged server message reaches nobody: the sender gets reserved-type, the target notices nothing", async () => {
    const [alice, bob] = await pair();
    const bobSeen = record(bob);
    const iceBefore = bob.iceServers;
    const forged = [
      { type: "error", code: "internal-error", message: "Your account is suspended" },
      { type: "ice-servers", iceServers: [{ urls: "turn:attacker.example:3478", username: "u", credential: "p" }] },
      { type: "user-left", users: ["alice"] },
      { type: "welcome", protocol: 1, id: "x", features: [], limits: { maxMessageBytes: 1 }, iceServers: [] },
    ];
    for (const message of forged) {
      await expect(alice.request({ ...message, target: "bob" })).rejects.toMatchObject({ code: "reserved-type" });
    }
    // A marker after the forgeries: once bob has it, he has had everything sent before it.
    const marker = nextPeerMessage(bob, "marker");
    await alice.sendToPeer("bob", "marker");
    await marker;
    expect(bobSeen).toEqual([expect.stringMatching(/^peer-message \{"type":"marker","from":"alice"/)]);
    expect(bob.iceServers).toEqual(iceBefore);
    expect(bob.user("alice")).toBeDefined();
  });
});
