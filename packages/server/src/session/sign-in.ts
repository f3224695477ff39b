import type { ErrorCode, Identity } from "@switchboard/protocol";
import type { TokenVerifier } from "../auth/token-verifier.js";
import { checkedRoomName } from "../hub/room-name.js";
import { ProtocolError } from "../wire/protocol-error.js";

/** Errors that refuse a sign-in: each is logged (by the session). */
export const SIGN_IN_REFUSALS: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  "auth-required",
  "invalid-token",
  "token-expired",
  "room-forbidden",
  "name-in-use",
  "room-locked",
  "bad-password",
  "too-many-logins",
]);

/** setTimeout's longest delay; a later expiry is checked again then. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * One session's sign-in (AUTH=jwt; with AUTH=open, `tokens` is undefined and everything is
 * allowed): who the `hello`'s token says the user is, the rooms that lets it into, and its expiry,
 * pushed back by `renew-token`. When the token runs out, `expired` ends the session.
 */
export class SignIn {
  #identity: Identity | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** Said `hello`, whether or not its token verified: a client that can send one. */
  #greeted = false;

  constructor(
    private readonly tokens: TokenVerifier | undefined,
    private readonly expired: () => void,
  ) {}

  get identity(): Identity | undefined {
    return this.#identity;
  }

  /** A `hello`'s token: required and verified with AUTH=jwt (a promise then), ignored otherwise. */
  hello(token: string | undefined): Promise<void> | undefined {
    if (!this.tokens) return undefined;
    this.#greeted = true;
    if (token === undefined) throw new ProtocolError("auth-required");
    return this.tokens.verify(token).then((identity) => this.#adopt(identity));
  }

  /**
   * The name a `username` logs in under: the token's with AUTH=jwt, never renamed (`exact`).
   * "refused": a client that never said `hello` (the article's), which cannot sign in at all.
   */
  loginName(requested: unknown, modern: boolean): { name: unknown; exact: boolean } | "refused" {
    if (!this.tokens) return { name: requested, exact: false };
    if (!modern && !this.#greeted) return "refused";
    if (!this.#identity) throw new ProtocolError("auth-required");
    return { name: this.#identity.name, exact: true };
  }

  /** Throws `room-forbidden` when the token's `rooms` do not include `room` (checked, as a `checkedRoomName`). */
  checkRoom(room: string): void {
    const rooms = this.#identity?.rooms;
    if (!rooms) return;
    const keys = checkedRoomName(room).keys;
    if (!rooms.some((allowed) => checkedRoomName(allowed).keys.some((key) => keys.includes(key)))) {
      throw new ProtocolError("room-forbidden", `It lets you into: ${rooms.join(", ").slice(0, 200)}.`);
    }
  }

  /**
   * `renew-token`: a token for the same name pushes the expiry back; resolves with the new one.
   * The role and rooms stay the session's: a new token's take effect at the next sign-in.
   */
  async renew(token: string): Promise<number> {
    if (!this.tokens) throw new ProtocolError("invalid-message", "This server signs nobody in with tokens (AUTH=open).");
    const current = this.#identity;
    if (!current) throw new ProtocolError("auth-required");
    const renewed = await this.tokens.verify(token);
    if (renewed.name !== current.name) throw new ProtocolError("invalid-token", "It is for another name than this session's.");
    this.#adopt({ ...current, expiresAt: renewed.expiresAt });
    return renewed.expiresAt;
  }

  /** A session handed over from another node goes on with the identity it had there. */
  restore(identity: Identity | undefined): void {
    this.#identity = identity;
    if (identity) this.#schedule();
  }

  stop(): void {
    clearTimeout(this.#timer);
  }

  #adopt(identity: Identity): void {
    // Within the clock tolerance jose allows, but gone here.
    if (identity.expiresAt <= Date.now()) throw new ProtocolError("token-expired");
    this.#identity = identity;
    this.#schedule();
  }

  #schedule(): void {
    clearTimeout(this.#timer);
    const left = this.#identity!.expiresAt - Date.now();
    if (left <= 0) return this.expired();
    this.#timer = setTimeout(() => (this.#identity!.expiresAt <= Date.now() ? this.expired() : this.#schedule()), Math.min(left, MAX_TIMER_MS));
    this.#timer.unref();
  }
}
