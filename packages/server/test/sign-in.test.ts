// Issue 13: sign-in tokens (AUTH=jwt), with real tokens signed by jose and verified by the server.
import { generateKeyPairSync } from "node:crypto";
import { createServer as createHttpServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { CLOSE_CODES } from "@switchboard/protocol";
import { exportJWK, SignJWT } from "jose";
import { afterEach, describe, expect, it } from "vitest";
import { mintToken } from "../src/auth/mint-token.js";
import { useServer } from "./support/fixture.js";
import { capturedLogs } from "./support/log-capture.js";
import type { TestClient } from "./support/test-client.js";

const SECRET = "a-test-secret-of-more-than-32-characters";
const running = useServer({ auth: "jwt", jwtSecret: SECRET });

const token = (name: string, extra: { role?: "member" | "moderator"; rooms?: string[]; ttlSeconds?: number } = {}) =>
  mintToken({ name, secret: SECRET, ...extra });

/** Connected and said hello with `claims` (a token string, or undefined for none). */
async function hello(signIn: string | undefined, fields: Record<string, unknown> = {}): Promise<TestClient> {
  const client = await running.connect();
  await client.next("id");
  client.send({ type: "hello", protocol: 1, ...(signIn !== undefined && { token: signIn }), ...fields, ref: "h" });
  return client;
}

/** Signed in and logged in; `asked`: the name the client asks for (ignored: the token's counts). */
async function signedIn(signIn: string, fields: Record<string, unknown> = {}, asked = "whoever"): Promise<TestClient> {
  const client = await hello(signIn, fields);
  const welcome = await client.next("welcome");
  client.send({ type: "username", name: asked, ref: "login" });
  const ack = await client.next("ack", (m) => m.ref === "login");
  client.name = (welcome.identity as { name: string }).name;
  expect(ack.name).toBe(client.name);
  return client;
}

const errorCode = async (client: TestClient, ref?: string) => (await client.next("error", (m) => ref === undefined || m.ref === ref)).code;

describe("AUTH=jwt", () => {
  it("takes the name, role and expiry from the token, never the name the client asks for", async () => {
    await running.start();
    const ann = await hello(await token("ann", { role: "moderator" }));
    const welcome = await ann.next("welcome");
    expect(welcome).toMatchObject({ auth: "jwt", identity: { name: "ann", role: "moderator" } });
    expect((welcome.identity as { expiresAt: number }).expiresAt).toBeGreaterThan(Date.now() + 3_000_000);
    ann.send({ type: "username", name: "mallory", ref: "login" });
    expect(await ann.next("ack", (m) => m.ref === "login")).toMatchObject({ name: "ann" });
    expect(ann.all("userlist")[0]!.users).toEqual(["ann"]);
    expect(ann.all("room-state")[0]).toMatchObject({ moderators: ["ann"] });

    expect(welcome.tokenUrl).toBeUndefined();
    const bob = await signedIn(await token("bob"), {}, "ann");
    expect(bob.name).toBe("bob");
    expect(bob.all("room-state")[0]).toMatchObject({ moderators: ["ann"] });
  });

  it("refuses a missing, forged, expired or otherwise invalid token, each with its own code", async () => {
    await running.start({ jwtIssuer: "https://idp.example", jwtAudience: "switchboard" });
    const good = { secret: SECRET, issuer: "https://idp.example", audience: "switchboard" };
    expect(await errorCode(await hello(undefined), "h")).toBe("auth-required");
    expect(await errorCode(await hello("not.a.jwt"), "h")).toBe("invalid-token");
    const forged = await mintToken({ name: "ann", ...good, secret: "another-secret-of-more-than-32-characters" });
    expect(await hello(forged).then((c) => c.next("error"))).toMatchObject({ code: "invalid-token", message: expect.stringContaining("signature") });
    const expired = await mintToken({ name: "ann", ...good }, Date.now() - 7200_000);
    expect(await errorCode(await hello(expired), "h")).toBe("token-expired");
    expect(await errorCode(await hello(await mintToken({ name: "ann", ...good, issuer: "https://evil.example" })), "h")).toBe("invalid-token");
    expect(await errorCode(await hello(await mintToken({ name: "ann", ...good, audience: "someone-else" })), "h")).toBe("invalid-token");
    expect(await errorCode(await hello(await mintToken({ name: " ", ...good })), "h")).toBe("invalid-token");
    // An unsigned token ("alg": "none") is never taken.
    const unsigned = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString("base64url")}.${Buffer.from(JSON.stringify({ name: "ann", exp: Date.now() / 1000 + 60, iss: good.issuer, aud: good.audience })).toString("base64url")}.`;
    expect(await errorCode(await hello(unsigned), "h")).toBe("invalid-token");
    // Bounded before any verification: a huge token is not a token.
    expect(await errorCode(await hello("x".repeat(9000)), "h")).toBe("invalid-message");
    expect(await errorCode(await hello({ nested: [[[["deep"]]]] } as unknown as string), "h")).toBe("invalid-message");
    // Without a valid hello, no login.
    const anonymous = await hello(undefined);
    await anonymous.next("error");
    anonymous.send({ type: "username", name: "ann", ref: "login" });
    expect(await errorCode(anonymous, "login")).toBe("auth-required");
    // A client that cannot sign in can still be told why; the connection stays for a retry.
    anonymous.send({ type: "hello", protocol: 1, token: await mintToken({ name: "ann", ...good }), ref: "again" });
    expect(await anonymous.next("welcome")).toMatchObject({ identity: { name: "ann" }, ref: "again" });
  });

  it("tells clients where to get a fresh token, when JWT_RENEW_URL says", async () => {
    await running.start({ jwtRenewUrl: "/auth/token" });
    expect(await (await hello(await token("ann"))).next("welcome")).toMatchObject({ tokenUrl: "/auth/token" });
  });

  it("logs a refused sign-in as a JSON line, and a client's flood of them only up to a bound", async () => {
    const logs = capturedLogs();
    await running.start({}, { logger: logs.logger });
    const client = await running.connect();
    await client.next("id");
    for (let i = 0; i < 40; i++) client.send({ type: "hello", protocol: 1, token: "not.a.jwt", ref: `h${i}` });
    await client.next("error", (m) => m.ref === "h39");
    const refused = logs.lines.filter((line) => line.msg === "sign-in refused");
    expect(refused[0]).toMatchObject({ code: "invalid-token", address: "127.0.0.1" });
    expect(refused).toHaveLength(20);
    expect(logs.lines.filter((line) => line.msg === "more refusals of this session are not logged")).toHaveLength(1);
  });

  it("closes the article's client, which cannot send a token, with a clear reason", async () => {
    await running.start();
    const client = await running.connect();
    const { id } = await client.next("id");
    client.send({ type: "username", name: "ann", id, date: Date.now() });
    const closed = await client.closed;
    expect(closed.code).toBe(CLOSE_CODES.signInRequired);
    expect(closed.reason).toMatch(/sign-in required/);
  });

  it("lets a token into its rooms only, and one session per name in a room", async () => {
    await running.start();
    const allowed = await token("ann", { rooms: ["Alpha"] });
    const elsewhere = await hello(allowed, { room: "beta" });
    await elsewhere.next("welcome");
    elsewhere.send({ type: "username", name: "ann", ref: "login" });
    expect(await errorCode(elsewhere, "login")).toBe("room-forbidden");
    elsewhere.send({ type: "join-room", room: "ALPHA", ref: "join" });
    await elsewhere.next("ack", (m) => m.ref === "join");
    elsewhere.send({ type: "username", name: "ann", ref: "login2" });
    await elsewhere.next("ack", (m) => m.ref === "login2");
    elsewhere.send({ type: "join-room", room: "beta", ref: "switch" });
    expect(await errorCode(elsewhere, "switch")).toBe("room-forbidden");

    // The same person again in the same room: refused, not renamed to "ann2".
    const twice = await hello(allowed, { room: "alpha" });
    await twice.next("welcome");
    twice.send({ type: "username", name: "ann", ref: "login" });
    expect(await errorCode(twice, "login")).toBe("name-in-use");
  });

  it("renews a token mid-session without dropping anything, and ends a session whose token ran out", async () => {
    await running.start();
    const watcher = await signedIn(await token("watcher"));
    const ann = await signedIn(await token("ann", { ttlSeconds: 3 }));
    ann.send({ type: "renew-token", token: await token("someone-else"), ref: "other" });
    expect(await ann.next("error", (m) => m.ref === "other")).toMatchObject({ code: "invalid-token", message: expect.stringContaining("another name") });
    ann.send({ type: "renew-token", token: await token("ann", { ttlSeconds: 3600 }), ref: "renew" });
    const ack = await ann.next("ack", (m) => m.ref === "renew");
    expect(ack.expiresAt).toBeGreaterThan(Date.now() + 3_000_000);
    // Past the first token's expiry (and jose's tolerance), the session goes on.
    await new Promise((resolve) => setTimeout(resolve, 4000));
    ann.send({ type: "app-note", target: "watcher", text: "still here" });
    expect(await watcher.next("app-note")).toMatchObject({ from: "ann", text: "still here" });

    const bob = await signedIn(await token("bob", { ttlSeconds: 2 }));
    const welcome = bob.all("welcome")[0]!;
    const closed = await bob.closed;
    expect(closed.code).toBe(CLOSE_CODES.signInRequired);
    expect(bob.all("error").map((m) => m.code)).not.toContain("internal-error");
    await watcher.next("user-left", (m) => (m.users as string[]).includes("bob"));
    // A resume token is not enough: the token must be the session's user's.
    const watcherWelcome = watcher.all("welcome")[0]!;
    const thief = await hello(await token("mallory"), { resume: watcherWelcome.resumeToken, received: 0 });
    expect(await thief.next("welcome")).toMatchObject({ resumed: false, identity: { name: "mallory" } });
    // The ended session cannot be resumed: its client must sign in again.
    const again = await hello(await token("bob"), { resume: welcome.resumeToken, received: 0 });
    expect(await again.next("welcome")).toMatchObject({ resumed: false });
  }, 15_000);
});

describe("AUTH=jwt with public keys", () => {
  let keyServer: Server | undefined;
  afterEach(() => keyServer?.close());

  it("verifies RS256 with a PEM public key", async () => {
    const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    await running.start({ jwtSecret: undefined, jwtPublicKey: publicKey.export({ type: "spki", format: "pem" }).toString() });
    const pem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    const ann = await signedIn(await mintToken({ name: "ann", privateKey: pem }));
    expect(ann.name).toBe("ann");
    // An HS256 token signed with the public key as its secret (the classic confusion) is refused.
    const confused = await new SignJWT({ name: "eve" })
      .setProtectedHeader({ alg: "HS256" })
      .setExpirationTime("1h")
      .sign(new TextEncoder().encode(publicKey.export({ type: "spki", format: "pem" }).toString()));
    expect(await errorCode(await hello(confused), "h")).toBe("invalid-token");
  });

  it("verifies ES256 with keys fetched from a JWKS URL", async () => {
    const { publicKey, privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const jwk = { ...(await exportJWK(publicKey)), kid: "k1", alg: "ES256", use: "sig" };
    keyServer = createHttpServer((_request, response) => {
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => keyServer!.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(keyServer.address() as AddressInfo).port}/jwks.json`;
    await running.start({ jwtSecret: undefined, jwtJwksUrl: url });
    const signed = await new SignJWT({ name: "ann", role: "moderator" }).setProtectedHeader({ alg: "ES256", kid: "k1" }).setExpirationTime("1h").sign(privateKey);
    const ann = await signedIn(signed);
    expect(ann.all("welcome")[0]).toMatchObject({ identity: { name: "ann", role: "moderator" } });
    const unknownKey = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey;
    const stranger = await new SignJWT({ name: "eve" }).setProtectedHeader({ alg: "ES256", kid: "k2" }).setExpirationTime("1h").sign(unknownKey);
    expect(await errorCode(await hello(stranger), "h")).toBe("invalid-token");
  });
});
