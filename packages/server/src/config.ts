/**
 * The server's one options object. Every default lives here; env variables and CLI flags are
 * mapped onto the same keys and validated together, so a bad value stops start-up with a clear
 * message instead of surfacing later.
 */
import { existsSync } from "node:fs";
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { isTrustList } from "./http/client-address.js";

const port = z.coerce.number().int().min(0).max(65535);
const positiveInt = z.coerce.number().int().positive();
const commaList = z
  .union([z.string(), z.array(z.string())])
  .transform((value) => (Array.isArray(value) ? value : value.split(",")).map((s) => s.trim()).filter(Boolean));

// The web app: inside the installed package (`npm run pack` puts it in <package>/web), else in
// the repository, where Vite builds it.
const packagedStaticDir = fileURLToPath(new URL("../web", import.meta.url));
const repositoryStaticDir = fileURLToPath(new URL("../../../apps/web/dist", import.meta.url));
const defaultStaticDir = existsSync(packagedStaticDir) ? packagedStaticDir : repositoryStaticDir;

export const ConfigSchema = z
  .object({
    /** TCP port for HTTP and WebSocket; 0 picks a free one. */
    port: port.default(8080),
    host: z.string().min(1).default("0.0.0.0"),
    /** PEM files; with both set the server speaks https/wss. */
    tlsCert: z.string().min(1).optional(),
    tlsKey: z.string().min(1).optional(),
    logLevel: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    /** Largest message accepted; a larger one gets a `frame-too-large` error and is dropped. */
    maxMessageBytes: positiveInt.default(64 * 1024),
    /** Above this the server cannot even buffer a message: it closes with 1009. */
    hardMaxMessageBytes: positiveInt.default(4 * 1024 * 1024),
    /** Presence changes are coalesced into at most one update per interval. */
    presenceIntervalMs: z.coerce.number().int().min(0).default(100),
    /** A connection silent this long (no message, no pong) is dead: its user leaves. */
    heartbeatTimeoutMs: z.coerce.number().int().min(1000).default(30_000),
    /** Token bucket per connection: sustained messages per second, and the burst above it. */
    rateLimitPerSecond: z.coerce.number().positive().default(50),
    rateLimitBurst: z.coerce.number().int().positive().default(200),
    /** Bytes waiting to be written to one client above which it counts as not reading... */
    maxQueuedBytes: positiveInt.default(1024 * 1024),
    /** ...once it stays above them this long; then it is cut off (a modern session can resume). */
    slowConsumerGraceMs: z.coerce.number().int().min(0).default(5000),
    /** Above this a client is cut off at once, grace or not: what a stall may cost in memory. */
    hardMaxQueuedBytes: positiveInt.default(16 * 1024 * 1024),
    /** 0 means no limit. */
    maxConnectionsPerIp: z.coerce.number().int().min(0).default(200),
    loginsPerMinutePerIp: z.coerce.number().int().min(0).default(300),
    /** Origins allowed to open a WebSocket; empty allows every origin, as the article does. */
    allowedOrigins: commaList.default([]),
    /**
     * Reverse proxies whose X-Forwarded-For is believed (addresses, CIDRs, or proxy-addr's names
     * `loopback`, `linklocal`, `uniquelocal`); empty trusts nobody, so a header alone never
     * changes whose per-IP limits a connection counts against.
     */
    trustProxy: commaList.default([]).refine(isTrustList, "not a list of IP addresses or CIDRs"),
    /** Open TCP connections in all (HTTP and WebSocket); past it new ones are dropped unread. 0: no cap. */
    maxConnections: z.coerce.number().int().min(0).default(10_000),
    /** Plain HTTP connections (not upgraded) from one address, trusted proxies aside. 0: no limit. */
    maxHttpConnectionsPerIp: z.coerce.number().int().min(0).default(32),
    /** The request head must arrive within this (slowloris); else 408 and the socket is closed. */
    httpHeadersTimeoutMs: positiveInt.default(10_000),
    /** The whole request must arrive within this. */
    httpRequestTimeoutMs: positiveInt.default(30_000),
    /** An idle keep-alive HTTP connection is closed after this. */
    httpKeepAliveTimeoutMs: positiveInt.default(5_000),
    /** A plain HTTP connection with no traffic either way for this long is closed (a stalled download). */
    httpIdleTimeoutMs: positiveInt.default(30_000),
    /**
     * Bytes of partly received WebSocket messages buffered across all connections; past it the
     * connection holding the most is closed (1013) and its buffers freed.
     */
    maxUnfinishedMessageBytes: positiveInt.default(64 * 1024 * 1024),
    /** With it set, GET /metrics needs `Authorization: Bearer <token>`. */
    metricsToken: z.string().min(16, "use at least 16 characters").optional(),
    /** With it set, /metrics is served on its own listener (and no longer on the main port). */
    metricsPort: port.optional(),
    metricsHost: z.string().min(1).default("127.0.0.1"),
    /** How long a modern client's session outlives its dropped connection, waiting to be resumed. */
    resumeGraceMs: z.coerce.number().int().min(0).default(30_000),
    /** Per session: bytes of sent messages kept until the client confirms them, for resume. */
    resumeBufferBytes: positiveInt.default(256 * 1024),
    /** Public chat messages kept and sent to clients at login... */
    historySize: z.coerce.number().int().min(0).default(100),
    /**
     * ...and at most this many bytes of them all together: the `history` frame a login gets.
     * Well under `maxQueuedBytes`, so that no login is ever cut by its own history.
     */
    historyMaxBytes: z.coerce.number().int().min(0).default(128 * 1024),
    /**
     * Longest chat text, in UTF-16 code units. 2000 is a long paragraph (Discord's and Slack's
     * limits are of that order) and keeps a worst-case message, every character escaped, near
     * 12 KB: the history holds ten of those at the least.
     */
    maxChatTextLength: positiveInt.default(2000),
    /**
     * Deepest nesting of objects and arrays in a message. Signaling needs 3 (an offer's `sdp`);
     * 32 leaves apps room and keeps every walk of a message shallow.
     */
    maxNestingDepth: positiveInt.max(1000).default(32),
    /**
     * Most people in one room's group call. A mesh: each participant sends its media to each
     * other one, so uplink and CPU grow with the count; 6 is about what a laptop holds.
     */
    maxMeshParticipants: z.coerce.number().int().min(2).default(6),
    /** Janus's WebSocket API (ws:// or wss://): group calls go through its videoroom. Unset: meshes only. */
    janusUrl: z.string().regex(/^wss?:\/\/\S+$/, "must be ws://host:port (or wss://), Janus's WebSocket API").optional(),
    /** With JANUS_URL: "all" group calls go through Janus, or only "large" ones (past MAX_MESH_PARTICIPANTS). */
    sfuCalls: z.enum(["all", "large"]).default("all"),
    /** Most people in one group call through Janus (each uploads once, so far more than a mesh). */
    maxSfuParticipants: z.coerce.number().int().min(2).max(500).default(50),
    /**
     * On shutdown, how long to wait for queued messages to reach clients, and in a cluster for
     * modern clients to resume on other nodes (which take their sessions over).
     */
    drainTimeoutMs: z.coerce.number().int().min(0).default(5000),
    /** Directory of the built web app served at `/`. */
    staticDir: z.string().min(1).default(defaultStaticDir),
    stunUrls: commaList.default([]),
    turnUrls: commaList.default([]),
    /** Static TURN credentials (short-lived ones come from a shared secret instead). */
    turnUsername: z.string().optional(),
    turnCredential: z.string().optional(),
    /** coturn's `static-auth-secret`: each logged-in user gets its own short-lived credentials. */
    turnSecret: z.string().min(1).optional(),
    turnTtlSeconds: z.coerce.number().int().min(60).default(3600),
    /** Redis shared by the nodes of a cluster (`redis://host:port`); unset: one node, all in memory. */
    redisUrl: z.string().regex(/^rediss?:\/\/\S+$/, "must be redis://host:port (or rediss://)").optional(),
    /** Keys and channels in Redis start with this: clusters may share one Redis under different prefixes. */
    redisPrefix: z.string().min(1).max(64).default("switchboard:"),
    /** This node's id in the cluster; default: random at each start. */
    nodeId: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, "1 to 64 letters, digits, '.', '_' or '-'").optional(),
    /** How users sign in: "open" (any name, the article's way) or "jwt" (a signed token gives name, rooms and role). */
    auth: z.enum(["open", "jwt"]).default("open"),
    /** AUTH=jwt with HS256: the shared secret. */
    jwtSecret: z.string().min(32, "use at least 32 characters (HS256 wants 256 bits)").optional(),
    /** AUTH=jwt with RS256 or ES256: the public key, as PEM text or a PEM file's path. */
    jwtPublicKey: z.string().min(1).optional(),
    /** AUTH=jwt: where the signing keys are published (a JWKS; fetched and cached). */
    jwtJwksUrl: z
      .string()
      .regex(/^(https:\/\/|http:\/\/(localhost|127\.0\.0\.1|\[::1\])[:/])\S+$/, "must be an https URL (http only on this machine)")
      .optional(),
    /** AUTH=jwt: tokens must carry this `iss`... */
    jwtIssuer: z.string().min(1).optional(),
    /** ...and this `aud`. */
    jwtAudience: z.string().min(1).optional(),
    /** AUTH=jwt: a path of this origin where the web app fetches a fresh token (your identity service, behind your proxy). */
    jwtRenewUrl: z.string().regex(/^\/(?!\/)\S*$/, "must be a path on this origin, like /auth/token").optional(),
    /** How often a node says it is alive... */
    nodeHeartbeatMs: z.coerce.number().int().min(100).default(1000),
    /** ...and how long after its last beat the other nodes remove its users. */
    nodeTimeoutMs: z.coerce.number().int().min(500).default(5000),
  })
  .superRefine((config, ctx) => {
    if (Boolean(config.tlsCert) !== Boolean(config.tlsKey)) {
      ctx.addIssue({ code: "custom", path: ["tlsCert"], message: "TLS_CERT and TLS_KEY must be set together" });
    }
    if (config.maxUnfinishedMessageBytes < config.hardMaxMessageBytes) {
      ctx.addIssue({ code: "custom", path: ["maxUnfinishedMessageBytes"], message: "must be at least hardMaxMessageBytes" });
    }
    if (config.nodeTimeoutMs < 2 * config.nodeHeartbeatMs) {
      ctx.addIssue({ code: "custom", path: ["nodeTimeoutMs"], message: "must be at least twice NODE_HEARTBEAT_MS" });
    }
    if (config.httpHeadersTimeoutMs > config.httpRequestTimeoutMs) {
      ctx.addIssue({ code: "custom", path: ["httpHeadersTimeoutMs"], message: "must be at most httpRequestTimeoutMs" });
    }
    if (config.hardMaxMessageBytes < config.maxMessageBytes) {
      ctx.addIssue({
        code: "custom",
        path: ["hardMaxMessageBytes"],
        message: "must be at least maxMessageBytes",
      });
    }
    const staticCredentials = Boolean(config.turnUsername && config.turnCredential);
    if (config.turnUrls.length > 0 && !staticCredentials && !config.turnSecret) {
      ctx.addIssue({
        code: "custom",
        path: ["turnUrls"],
        message: "TURN_URLS needs TURN_SECRET, or TURN_USERNAME and TURN_CREDENTIAL",
      });
    }
    if (config.turnSecret && (config.turnUsername || config.turnCredential)) {
      ctx.addIssue({ code: "custom", path: ["turnSecret"], message: "use TURN_SECRET or static TURN credentials, not both" });
    }
    if (config.hardMaxQueuedBytes < config.maxQueuedBytes) {
      ctx.addIssue({ code: "custom", path: ["hardMaxQueuedBytes"], message: "must be at least maxQueuedBytes" });
    }
    if (config.historyMaxBytes > config.maxQueuedBytes / 2) {
      ctx.addIssue({
        code: "custom",
        path: ["historyMaxBytes"],
        message: "must be at most half of maxQueuedBytes, so that a login is never cut by its own history",
      });
    }
    const jwtKeys = [config.jwtSecret, config.jwtPublicKey, config.jwtJwksUrl].filter(Boolean).length;
    if (config.auth === "jwt" && jwtKeys !== 1) {
      ctx.addIssue({ code: "custom", path: ["auth"], message: "AUTH=jwt needs one of JWT_SECRET, JWT_PUBLIC_KEY or JWT_JWKS_URL" });
    }
    if (config.janusUrl && config.maxSfuParticipants < config.maxMeshParticipants) {
      ctx.addIssue({ code: "custom", path: ["maxSfuParticipants"], message: "must be at least MAX_MESH_PARTICIPANTS" });
    }
    if (config.auth === "open" && (jwtKeys > 0 || config.jwtIssuer || config.jwtAudience || config.jwtRenewUrl)) {
      ctx.addIssue({ code: "custom", path: ["auth"], message: "JWT_* settings need AUTH=jwt" });
    }
    if (config.turnSecret && config.turnUrls.length === 0) {
      ctx.addIssue({ code: "custom", path: ["turnSecret"], message: "TURN_SECRET needs TURN_URLS" });
    }
  });

export type Config = Readonly<z.output<typeof ConfigSchema>>;
export type ConfigInput = Partial<z.input<typeof ConfigSchema>>;

/** Each key's environment variable; the CLI flag is the kebab-case key (`--max-message-bytes`). */
const ENV_NAMES: Record<keyof Config, string> = {
  port: "PORT",
  host: "HOST",
  tlsCert: "TLS_CERT",
  tlsKey: "TLS_KEY",
  logLevel: "LOG_LEVEL",
  maxMessageBytes: "MAX_MESSAGE_BYTES",
  hardMaxMessageBytes: "HARD_MAX_MESSAGE_BYTES",
  presenceIntervalMs: "PRESENCE_INTERVAL_MS",
  heartbeatTimeoutMs: "HEARTBEAT_TIMEOUT_MS",
  rateLimitPerSecond: "RATE_LIMIT_PER_SECOND",
  rateLimitBurst: "RATE_LIMIT_BURST",
  maxQueuedBytes: "MAX_QUEUED_BYTES",
  slowConsumerGraceMs: "SLOW_CONSUMER_GRACE_MS",
  hardMaxQueuedBytes: "HARD_MAX_QUEUED_BYTES",
  maxConnectionsPerIp: "MAX_CONNECTIONS_PER_IP",
  loginsPerMinutePerIp: "LOGINS_PER_MINUTE_PER_IP",
  allowedOrigins: "ALLOWED_ORIGINS",
  trustProxy: "TRUST_PROXY",
  maxConnections: "MAX_CONNECTIONS",
  maxHttpConnectionsPerIp: "MAX_HTTP_CONNECTIONS_PER_IP",
  httpHeadersTimeoutMs: "HTTP_HEADERS_TIMEOUT_MS",
  httpRequestTimeoutMs: "HTTP_REQUEST_TIMEOUT_MS",
  httpKeepAliveTimeoutMs: "HTTP_KEEP_ALIVE_TIMEOUT_MS",
  httpIdleTimeoutMs: "HTTP_IDLE_TIMEOUT_MS",
  maxUnfinishedMessageBytes: "MAX_UNFINISHED_MESSAGE_BYTES",
  metricsToken: "METRICS_TOKEN",
  metricsPort: "METRICS_PORT",
  metricsHost: "METRICS_HOST",
  resumeGraceMs: "RESUME_GRACE_MS",
  resumeBufferBytes: "RESUME_BUFFER_BYTES",
  historySize: "HISTORY_SIZE",
  historyMaxBytes: "HISTORY_MAX_BYTES",
  maxChatTextLength: "MAX_CHAT_TEXT_LENGTH",
  maxNestingDepth: "MAX_NESTING_DEPTH",
  maxMeshParticipants: "MAX_MESH_PARTICIPANTS",
  janusUrl: "JANUS_URL",
  sfuCalls: "SFU_CALLS",
  maxSfuParticipants: "MAX_SFU_PARTICIPANTS",
  drainTimeoutMs: "DRAIN_TIMEOUT_MS",
  staticDir: "STATIC_DIR",
  stunUrls: "STUN_URLS",
  turnUrls: "TURN_URLS",
  turnUsername: "TURN_USERNAME",
  turnCredential: "TURN_CREDENTIAL",
  turnSecret: "TURN_SECRET",
  turnTtlSeconds: "TURN_TTL_SECONDS",
  redisUrl: "REDIS_URL",
  redisPrefix: "REDIS_PREFIX",
  nodeId: "NODE_ID",
  nodeHeartbeatMs: "NODE_HEARTBEAT_MS",
  nodeTimeoutMs: "NODE_TIMEOUT_MS",
  auth: "AUTH",
  jwtSecret: "JWT_SECRET",
  jwtPublicKey: "JWT_PUBLIC_KEY",
  jwtJwksUrl: "JWT_JWKS_URL",
  jwtIssuer: "JWT_ISSUER",
  jwtAudience: "JWT_AUDIENCE",
  jwtRenewUrl: "JWT_RENEW_URL",
};
const KEYS = Object.keys(ENV_NAMES) as (keyof Config)[];
const flagName = (key: string) => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

export class ConfigError extends Error {
  override name = "ConfigError";
}

/** Validates options given in code (tests, embedding); fills in every default. */
export function resolveConfig(input: ConfigInput = {}): Config {
  const parsed = ConfigSchema.safeParse(input);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const key = String(issue.path[0] ?? "");
      const source = key in ENV_NAMES ? `${ENV_NAMES[key as keyof Config]} / --${flagName(key)}` : "config";
      return `  ${source}: ${issue.message}`;
    });
    throw new ConfigError(`Invalid configuration:\n${lines.join("\n")}`);
  }
  return Object.freeze(parsed.data);
}

/** Reads the environment and the command line (flags win over env). */
export function loadConfig(env: NodeJS.ProcessEnv, argv: string[]): Config {
  const options = Object.fromEntries(KEYS.map((key) => [flagName(key), { type: "string" as const }]));
  let flags: Record<string, string | boolean | undefined>;
  try {
    flags = parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw new ConfigError(`Invalid command line: ${(error as Error).message}`);
  }
  const input: Record<string, unknown> = {};
  for (const key of KEYS) {
    const value = flags[flagName(key)] ?? env[ENV_NAMES[key]];
    if (value !== undefined && value !== "") input[key] = value;
  }
  return resolveConfig(input as ConfigInput);
}

/** Help text for `--help`, generated from the same table. */
export function configHelp(): string {
  return KEYS.map((key) => `  --${flagName(key).padEnd(24)} env ${ENV_NAMES[key]}`).join("\n");
}
