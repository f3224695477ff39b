import type { TokenRequest } from "@switchboard/client";

export interface RenewingTokenParts {
  /** The token a `hello` signs in with: the link's (or this tab's kept one), later the latest renewed. */
  current(): string | null;
  /** Where fresh tokens come from (the server's `welcome.tokenUrl`, on this origin); null: nowhere. */
  tokenUrl(): string | null;
  /** GETs a fresh token from `url` (see fetchFreshToken); rejects when it cannot. */
  fetchToken(url: string): Promise<string>;
  /** The server took a fresh token (renewed the session with it): the one to sign in with from now on. */
  renewed(token: string): void;
}

/**
 * One SignalingClient's sign-in token (its `token` option is `option`). A `hello` (the first,
 * and each reconnect's) gets the current token at once. A renewal fetches a fresh one from the
 * token URL; a failed fetch rejects, so the SDK reports it and tries once more, and the session
 * ends at expiry if that fails too. Without a token URL a renewal gets undefined: nothing is
 * renewed, the session ends at expiry, as before. The fresh token becomes the current one (and
 * is kept for reloads) only once the server has taken it: `accepted()`, at the SDK's `identity`.
 */
export class RenewingToken {
  /** Fetched for a renewal, not yet taken by the server. */
  #fresh: string | null = null;

  constructor(private readonly parts: RenewingTokenParts) {}

  readonly option = ({ purpose }: TokenRequest): string | undefined | Promise<string> => {
    if (purpose === "hello") {
      // A new connection: a renewal it interrupted was never taken.
      this.#fresh = null;
      return this.parts.current() ?? undefined;
    }
    const url = this.parts.tokenUrl();
    if (url === null) return undefined;
    return this.parts.fetchToken(url).then((token) => (this.#fresh = token));
  };

  /** The SDK's `identity` event: after a renewal, the server has taken the fresh token. */
  accepted(): void {
    if (this.#fresh === null) return;
    this.parts.renewed(this.#fresh);
    this.#fresh = null;
  }
}
