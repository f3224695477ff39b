import { TokenBucket } from "./token-bucket.js";

export interface IpLimitOptions {
  /** 0: no limit. */
  maxConnectionsPerIp: number;
  /** 0: no limit. */
  loginsPerMinutePerIp: number;
}

/** Per-address limits: open connections, and logins per minute (a bucket refilling over a minute). */
export class IpLimits {
  readonly #connections = new Map<string, number>();
  readonly #logins = new Map<string, TokenBucket>();

  constructor(private readonly options: IpLimitOptions) {}

  /** Counts a new connection from `ip`, or refuses it (false) at the limit. */
  openConnection(ip: string): boolean {
    const open = this.#connections.get(ip) ?? 0;
    if (this.options.maxConnectionsPerIp > 0 && open >= this.options.maxConnectionsPerIp) return false;
    this.#connections.set(ip, open + 1);
    return true;
  }

  closeConnection(ip: string): void {
    const open = (this.#connections.get(ip) ?? 1) - 1;
    if (open <= 0) this.#connections.delete(ip);
    else this.#connections.set(ip, open);
  }

  /** Takes one login from `ip`'s allowance, or refuses it (false). */
  allowLogin(ip: string, now = Date.now()): boolean {
    const perMinute = this.options.loginsPerMinutePerIp;
    if (perMinute === 0) return true;
    let bucket = this.#logins.get(ip);
    if (!bucket) this.#logins.set(ip, (bucket = new TokenBucket(perMinute / 60, perMinute, now)));
    return bucket.take(now);
  }

  /** Forgets addresses whose login allowance is whole again, so the map cannot grow without end. */
  sweep(now = Date.now()): void {
    for (const [ip, bucket] of this.#logins) if (bucket.isFull(now)) this.#logins.delete(ip);
  }
}
