import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig, resolveConfig } from "./config.js";

describe("config", () => {
  it("has every default in one place", () => {
    const config = resolveConfig();
    expect(config).toMatchObject({
      port: 8080,
      host: "0.0.0.0",
      logLevel: "info",
      maxMessageBytes: 65536,
      hardMaxMessageBytes: 4 * 1024 * 1024,
      presenceIntervalMs: 100,
      stunUrls: [],
      turnUrls: [],
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it("reads env variables and lets flags win", () => {
    const config = loadConfig({ PORT: "9000", HOST: "127.0.0.1", STUN_URLS: "stun:a:3478, stun:b:3478" }, ["--port", "9001"]);
    expect(config).toMatchObject({ port: 9001, host: "127.0.0.1", stunUrls: ["stun:a:3478", "stun:b:3478"] });
  });

  it("treats an empty variable as unset", () => {
    expect(loadConfig({ PORT: "" }, []).port).toBe(8080);
  });

  it("keeps 0 as a real value, not as unset", () => {
    expect(loadConfig({ PORT: "0", PRESENCE_INTERVAL_MS: "0" }, []).presenceIntervalMs).toBe(0);
    expect(loadConfig({ PORT: "0" }, []).port).toBe(0);
  });

  it.each([
    [{ PORT: "eighty" }, /PORT \/ --port/],
    [{ PORT: "-1" }, /PORT/],
    [{ MAX_MESSAGE_BYTES: "0" }, /MAX_MESSAGE_BYTES/],
    [{ LOG_LEVEL: "chatty" }, /LOG_LEVEL/],
    [{ TLS_KEY: "k.pem" }, /TLS_CERT and TLS_KEY must be set together/],
    [{ TURN_URLS: "turn:x:3478" }, /TURN_URLS needs TURN_SECRET, or TURN_USERNAME and TURN_CREDENTIAL/],
    [{ MAX_MESSAGE_BYTES: "2000", HARD_MAX_MESSAGE_BYTES: "1000" }, /at least maxMessageBytes/],
    [{ TRUST_PROXY: "10.0.0.0/8, proxy.example.com" }, /TRUST_PROXY \/ --trust-proxy: not a list of IP addresses or CIDRs/],
    [{ METRICS_TOKEN: "secret" }, /METRICS_TOKEN \/ --metrics-token: use at least 16 characters/],
    [{ MAX_UNFINISHED_MESSAGE_BYTES: "1000" }, /MAX_UNFINISHED_MESSAGE_BYTES.*at least hardMaxMessageBytes/],
    [{ HTTP_HEADERS_TIMEOUT_MS: "60000" }, /HTTP_HEADERS_TIMEOUT_MS.*at most httpRequestTimeoutMs/],
  ])("rejects %j clearly", (env, message) => {
    expect(() => loadConfig(env, [])).toThrowError(ConfigError);
    expect(() => loadConfig(env, [])).toThrowError(message);
  });

  it("reads the HTTP limits, TRUST_PROXY and the metrics settings", () => {
    expect(resolveConfig()).toMatchObject({
      trustProxy: [],
      maxConnections: 10_000,
      maxHttpConnectionsPerIp: 32,
      httpHeadersTimeoutMs: 10_000,
      httpRequestTimeoutMs: 30_000,
      maxUnfinishedMessageBytes: 64 * 1024 * 1024,
      metricsHost: "127.0.0.1",
    });
    const config = loadConfig({ TRUST_PROXY: "10.0.0.0/8, ::1", METRICS_PORT: "9100" }, ["--metrics-token", "0123456789abcdef"]);
    expect(config).toMatchObject({ trustProxy: ["10.0.0.0/8", "::1"], metricsPort: 9100, metricsToken: "0123456789abcdef" });
  });

  it("reads MAX_MESH_PARTICIPANTS (6 by default) and refuses a group call of fewer than two", () => {
    expect(resolveConfig().maxMeshParticipants).toBe(6);
    expect(loadConfig({ MAX_MESH_PARTICIPANTS: "4" }, ["--max-mesh-participants", "8"]).maxMeshParticipants).toBe(8);
    expect(() => loadConfig({ MAX_MESH_PARTICIPANTS: "1" }, [])).toThrow(/MAX_MESH_PARTICIPANTS \/ --max-mesh-participants/);
  });

  it("reads AUTH=jwt with exactly one key, and refuses JWT settings without it", () => {
    const secret = "s".repeat(32);
    expect(resolveConfig().auth).toBe("open");
    expect(loadConfig({ AUTH: "jwt", JWT_SECRET: secret, JWT_ISSUER: "idp" }, [])).toMatchObject({ auth: "jwt", jwtSecret: secret, jwtIssuer: "idp" });
    expect(() => loadConfig({ AUTH: "jwt" }, [])).toThrow(/AUTH=jwt needs one of JWT_SECRET, JWT_PUBLIC_KEY or JWT_JWKS_URL/);
    expect(() => loadConfig({ AUTH: "jwt", JWT_SECRET: secret, JWT_JWKS_URL: "https://idp/jwks" }, [])).toThrow(ConfigError);
    expect(() => loadConfig({ JWT_SECRET: secret }, [])).toThrow(/JWT_\* settings need AUTH=jwt/);
    expect(() => loadConfig({ AUTH: "jwt", JWT_SECRET: "short" }, [])).toThrow(/at least 32 characters/);
    expect(() => loadConfig({ AUTH: "ldap" }, [])).toThrow(ConfigError);
    expect(loadConfig({ AUTH: "jwt", JWT_SECRET: secret, JWT_RENEW_URL: "/auth/token" }, []).jwtRenewUrl).toBe("/auth/token");
    expect(() => loadConfig({ AUTH: "jwt", JWT_SECRET: secret, JWT_RENEW_URL: "https://idp.example/token" }, [])).toThrow(/path on this origin/);
    expect(() => loadConfig({ AUTH: "jwt", JWT_SECRET: secret, JWT_RENEW_URL: "//idp.example/token" }, [])).toThrow(/path on this origin/);
  });

  it("rejects unknown flags", () => {
    expect(() => loadConfig({}, ["--prot", "1"])).toThrowError(/Invalid command line/);
  });
});
