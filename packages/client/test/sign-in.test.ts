// Sign-in tokens between the SDK and a real server (AUTH=jwt), tokens signed here with jose as
// an identity provider would: the token names the user, a renewed token keeps the session past
// the first one's expiry, a token that runs out ends it for good.
import { SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import { nextEvent, serverPerTest } from "./support/server.js";

const SECRET = "integration-secret-at-least-32-bytes";

/** A token for `name`, expiring in `seconds` (jose counts whole seconds). */
function mint(name: string, seconds: number, claims: Record<string, unknown> = {}): Promise<string> {
  return new SignJWT({ role: "member", ...claims })
    .setProtectedHeader({ alg: "HS256" })
    .setSubject(name)
    .setExpirationTime(Math.floor(Date.now() / 1000) + seconds)
    .sign(new TextEncoder().encode(SECRET));
}

describe("SignalingClient with sign-in tokens (real server, AUTH=jwt)", () => {
  const env = serverPerTest({ auth: "jwt", jwtSecret: SECRET });

  it("logs in under the token's name, whatever it asks for; the welcome says who", async () => {
    const client = env.pool.create({ token: await mint("ann", 600, { rooms: ["standup"] }), room: "standup" });
    await client.connect();
    expect(client.welcome?.auth).toBe("jwt");
    expect(client.identity).toMatchObject({ name: "ann", role: "member", rooms: ["standup"] });
    expect(await client.login()).toBe("ann");
    const other = env.pool.create({ token: await mint("bob", 600) });
    expect(await other.login("mallory")).toBe("bob");
  });

  it("renews a short-lived token before it expires: still signed in after the first token ran out", async () => {
    const issued: string[] = [];
    const client = env.pool.create({
      token: async () => {
        issued.push(await mint("ann", 7));
        return issued.at(-1)!;
      },
    });
    await client.login();
    const firstExpiry = client.identity!.expiresAt;
    // Renewed 5 s before expiry, i.e. about 2 s in; the renewal's ack moves the expiry on.
    const [renewed] = await nextEvent(client, "identity", (identity) => identity.expiresAt > firstExpiry);
    expect(issued).toHaveLength(2);
    expect(renewed.name).toBe("ann");
    // Past the first token's expiry, the session goes on.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, firstExpiry - Date.now()) + 500));
    expect(client.state).toBe("open");
    expect(client.end).toBeNull();
    await client.chat("still here");
  }, 20_000);

  it("a fixed token that runs out ends the session for good (4401): no reconnect", async () => {
    const client = env.pool.create({ token: await mint("ann", 2) });
    await client.login();
    const [end] = await nextEvent(client, "ended");
    expect(end).toMatchObject({ kind: "sign-in-required" });
    expect(client.state).toBe("closed");
  }, 10_000);

  it("refuses a missing, forged or foreign-room token with its own code: a refused hello ends the client, a refused login does not", async () => {
    const cases: [Partial<{ token: string; room: string }>, string, "closed" | "open"][] = [
      [{}, "auth-required", "closed"],
      [{ token: (await mint("ann", 600)).replace(/.$/, "x") }, "invalid-token", "closed"],
      // The room is checked at login: the same sign-in may still enter another room.
      [{ token: await mint("ann", 600, { rooms: ["elsewhere"] }), room: "standup" }, "room-forbidden", "open"],
    ];
    for (const [options, code, state] of cases) {
      const client = env.pool.create(options);
      await expect(client.login("ann")).rejects.toMatchObject({ source: "server", code });
      expect(client.state).toBe(state);
      if (state === "closed") expect(client.end).toMatchObject({ kind: "sign-in-refused", error: { code } });
    }
  });
});
