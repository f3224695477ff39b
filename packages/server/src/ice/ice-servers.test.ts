import { describe, expect, it } from "vitest";
import { resolveConfig } from "../config.js";
import { IceServerProvider } from "./ice-servers.js";

describe("IceServerProvider", () => {
  it("gives coturn REST-API credentials: <expiry>:<user> and base64 HMAC-SHA1 with the secret", () => {
    const provider = new IceServerProvider(
      resolveConfig({ stunUrls: "stun:127.0.0.1:3478", turnUrls: "turn:127.0.0.1:3478", turnSecret: "north", turnTtlSeconds: 3600 }),
    );
    // Expected value computed independently: printf 1700003600:alice | openssl dgst -sha1 -hmac north -binary | base64
    expect(provider.forUser("alice", 1_700_000_000_000)).toEqual({
      iceServers: [
        { urls: ["stun:127.0.0.1:3478"] },
        { urls: ["turn:127.0.0.1:3478"], username: "1700003600:alice", credential: "wjwSXO2ch1B6VaLTLMy2Avn5O9o=" },
      ],
      expiresAt: 1_700_003_600_000,
    });
    expect(provider.shared()).toEqual([{ urls: ["stun:127.0.0.1:3478"] }]);
    expect(provider.issuesCredentials).toBe(true);
    expect(provider.renewalDelayMs()).toBe(2_880_000);
  });

  it("hands static TURN credentials to everyone when configured instead of a secret", () => {
    const provider = new IceServerProvider(resolveConfig({ turnUrls: "turn:t:3478", turnUsername: "u", turnCredential: "p" }));
    expect(provider.issuesCredentials).toBe(false);
    expect(provider.forUser("x")).toEqual({ iceServers: [{ urls: ["turn:t:3478"], username: "u", credential: "p" }] });
  });

  it("refuses contradictory TURN settings", () => {
    expect(() => resolveConfig({ turnUrls: "turn:t", turnSecret: "s", turnUsername: "u", turnCredential: "p" })).toThrow(/not both/);
    expect(() => resolveConfig({ turnSecret: "s" })).toThrow(/TURN_SECRET needs TURN_URLS/);
    expect(() => resolveConfig({ turnTtlSeconds: 5 })).toThrow(/TURN_TTL_SECONDS/);
  });
});
