import { createHmac } from "node:crypto";
import type { IceServer } from "@switchboard/protocol";
import type { Config } from "../config.js";

export interface UserIceServers {
  iceServers: IceServer[];
  /** When the TURN credentials stop working (ms since the epoch); absent when they do not expire. */
  expiresAt?: number;
}

/**
 * The ICE servers handed to clients. With a TURN secret, each user gets its own credentials the
 * way coturn's `use-auth-secret` expects them (the TURN REST API scheme): user name
 * `<expiry unix time>:<user>`, password base64(HMAC-SHA1(secret, user name)). The secret itself
 * never leaves this module.
 */
export class IceServerProvider {
  readonly #stun: IceServer[];
  readonly #staticTurn: IceServer[];
  readonly #secret: string | undefined;

  constructor(
    private readonly config: Pick<Config, "stunUrls" | "turnUrls" | "turnUsername" | "turnCredential" | "turnSecret" | "turnTtlSeconds">,
  ) {
    this.#stun = config.stunUrls.length > 0 ? [{ urls: config.stunUrls }] : [];
    this.#staticTurn =
      config.turnUrls.length > 0 && config.turnUsername && config.turnCredential
        ? [{ urls: config.turnUrls, username: config.turnUsername, credential: config.turnCredential }]
        : [];
    this.#secret = config.turnSecret;
  }

  /** Whether users get short-lived credentials (which must be renewed). */
  get issuesCredentials(): boolean {
    return this.#secret !== undefined;
  }

  /** What anyone may know: STUN, and static TURN credentials if configured. */
  shared(): IceServer[] {
    return [...this.#stun, ...this.#staticTurn];
  }

  /** The servers for one logged-in user, with fresh credentials when a secret is configured. */
  forUser(user: string, now = Date.now()): UserIceServers {
    if (this.#secret === undefined) return { iceServers: this.shared() };
    const expiry = Math.floor(now / 1000) + this.config.turnTtlSeconds;
    const username = `${expiry}:${user}`;
    const credential = createHmac("sha1", this.#secret).update(username).digest("base64");
    return { iceServers: [...this.#stun, { urls: this.config.turnUrls, username, credential }], expiresAt: expiry * 1000 };
  }

  /** When to send a user new credentials: well before the old ones expire. */
  renewalDelayMs(): number {
    return Math.floor(this.config.turnTtlSeconds * 1000 * 0.8);
  }
}
