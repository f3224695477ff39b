import type { AckMessage, Identity, WelcomeMessage } from "@switchboard/protocol";
import { SignalingError } from "./signaling-error.js";

/** What a token function is asked for: the token of a `hello`, or a fresh one to renew with. */
export interface TokenRequest {
  readonly purpose: "hello" | "renewal";
}

/**
 * A sign-in token (AUTH=jwt): the token itself, or a function that gets a current one. A
 * function is called for every `hello` (reconnects too) and again to renew the token before it
 * expires; a fixed token cannot be renewed, so the session ends when it runs out. A function
 * that has no fresh token to offer answers a renewal with `undefined`: no renewal then, and no
 * error (the session ends at expiry, as with a fixed token).
 */
export type TokenOption = string | ((request: TokenRequest) => string | undefined | Promise<string | undefined>);

/** Renew this share of the token's remaining life from now... */
const RENEW_AT_SHARE = 0.8;
/** ...but at least this long before it expires. */
const RENEW_MARGIN_MS = 5_000;
/** A failed renewal is tried once more this long after (sooner when the token runs out first). */
export const RENEWAL_RETRY_MS = 2_000;
/** Renewals follow each other at least this far apart, however short-lived the new tokens are. */
const MIN_RENEWAL_INTERVAL_MS = 1_000;

/** How long from `now` until a token that expires at `expiresAt` should be renewed (0: at once). */
export function renewalDelayMs(expiresAt: number, now: number): number {
  const remaining = expiresAt - now;
  return Math.max(0, Math.min(remaining * RENEW_AT_SHARE, remaining - RENEW_MARGIN_MS));
}

/** What the renewal needs from its SignalingClient. */
export interface SignInHost {
  /** True while the client is open: a renewal due meanwhile waits for the next `hello` (which carries a fresh token). */
  open(): boolean;
  /** Sends `renew-token` and resolves with its ack. */
  renew(token: string): Promise<AckMessage>;
  identity(identity: Identity): void;
  error(error: SignalingError): void;
}

/**
 * Who the sign-in token says we are (`welcome.identity`), and the token's renewal: when the
 * welcome gives an expiry and the token option is a function, a fresh token goes out as
 * `renew-token` before it (see renewalDelayMs); a failed renewal is reported and tried once
 * more shortly after. If that fails too, the server ends the session at expiry (close 4401).
 */
export class SignIn {
  #identity: Identity | null = null;
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** Bumped by every welcome and stop(): a renewal of an older schedule settles into nothing. */
  #generation = 0;

  constructor(
    private readonly option: TokenOption | undefined,
    private readonly host: SignInHost,
    private readonly now: () => number = Date.now,
  ) {}

  get identity(): Identity | null {
    return this.#identity;
  }

  /**
   * The token for a `hello` or a renewal (undefined without one): at once unless the token
   * function is async. Throws (or rejects with) what the token function throws.
   */
  token(purpose: TokenRequest["purpose"]): string | undefined | Promise<string | undefined> {
    return typeof this.option === "function" ? this.option({ purpose }) : this.option;
  }

  /** A handshake's welcome: the identity it carries, and the next renewal. */
  welcomed(welcome: WelcomeMessage): void {
    this.stop();
    if (welcome.identity) this.#setIdentity(welcome.identity, 0);
  }

  /** No renewal until the next welcome (the connection dropped, or the client closed). */
  stop(): void {
    this.#generation += 1;
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** `minDelayMs`: the earliest next renewal (right after one, not at once again). */
  #setIdentity(identity: Identity, minDelayMs: number): void {
    this.#identity = identity;
    this.host.identity(identity);
    if (typeof this.option !== "function") return;
    this.#schedule(Math.max(minDelayMs, renewalDelayMs(identity.expiresAt, this.now())), true);
  }

  #schedule(delayMs: number, retryOnFailure: boolean): void {
    const generation = this.#generation;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      if (generation === this.#generation) void this.#renew(generation, retryOnFailure);
    }, delayMs);
  }

  async #renew(generation: number, retryOnFailure: boolean): Promise<void> {
    if (!this.host.open()) return;
    let ack: AckMessage;
    try {
      const token = await this.token("renewal");
      // No fresh token to offer: nothing is renewed, and the session ends at expiry.
      if (token === undefined || generation !== this.#generation) return;
      ack = await this.host.renew(token);
    } catch (cause) {
      if (generation !== this.#generation) return;
      this.host.error(renewalFailed(cause));
      const left = (this.#identity?.expiresAt ?? 0) - this.now();
      if (retryOnFailure && left > 0) this.#schedule(Math.min(RENEWAL_RETRY_MS, left / 2), false);
      return;
    }
    if (generation !== this.#generation || !this.#identity) return;
    this.#setIdentity({ ...this.#identity, expiresAt: ack.expiresAt ?? this.#identity.expiresAt }, MIN_RENEWAL_INTERVAL_MS);
  }
}

function renewalFailed(cause: unknown): SignalingError {
  if (cause instanceof SignalingError) return cause;
  return SignalingError.client("token-renewal-failed", `Could not get a new sign-in token: ${String(cause)}`, undefined, cause);
}
