import { addressKey } from "../http/client-address.js";
import { TokenBucket } from "./token-bucket.js";

export interface LoginLimitOptions {
  /** 0: no limit. */
  loginsPerMinutePerIp: number;
}

/**
 * Logins per minute per address (a bucket refilling over a minute). Connections per address are
 * counted on their sockets instead: see ConnectionLimits.
 */
export class LoginLimits {
  readonly #logins = new Map<string, TokenBucket>();

  constructor(private readonly options: LoginLimitOptions) {}

  /** Takes one login from `ip`'s allowance, or refuses it (false). */
  allowLogin(ip: string, now = Date.now()): boolean {
    const perMinute = this.options.loginsPerMinutePerIp;
    if (perMinute === 0) return true;
    const key = addressKey(ip);
    let bucket = this.#logins.get(key);
    if (!bucket) this.#logins.set(key, (bucket = new TokenBucket(perMinute / 60, perMinute, now)));
    return bucket.take(now);
  }

  /** Forgets addresses whose login allowance is whole again, so the map cannot grow without end. */
  sweep(now = Date.now()): void {
    for (const [ip, bucket] of this.#logins) if (bucket.isFull(now)) this.#logins.delete(ip);
  }
}
