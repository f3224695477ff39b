import type { Ref, SfuClientMessage, WelcomeMessage } from "@switchboard/protocol";
import type { TokenVerifier } from "../auth/token-verifier.js";
import type { Config } from "../config.js";
import type { Hub } from "../hub/hub.js";
import type { IceServerProvider } from "../ice/ice-servers.js";
import type { Logger } from "../logger.js";
import type { Metrics } from "../metrics.js";
import type { ResumeOutcome } from "./handover.js";
import type { SessionTransport } from "./outbox.js";

/*
 * What a session (`S`: session.ts's `Session`, a parameter so that this file needs none of it)
 * is given by its transport.
 */

/** The socket, as far as a session needs it. */
export interface Connection<S> extends SessionTransport {
  readonly remoteAddress: string;
  /** The session its messages go to (another one once this one's `hello` resumed it). */
  readonly session?: S;
  close(code: number, reason: string): void;
}

export interface SessionContext<S> {
  hub: Hub;
  logger: Logger;
  metrics: Metrics;
  config: Pick<Config, "maxMessageBytes" | "maxNestingDepth" | "rateLimitPerSecond" | "rateLimitBurst" | "resumeBufferBytes">;
  /** The `welcome` for a session, minus what the session fills in. */
  welcome(session: S): Omit<WelcomeMessage, "ref" | "resumeToken" | "resumed">;
  /** A session that can be resumed from now on. */
  registerResumable(session: S): void;
  /**
   * Moves the session of `token` onto `connection` ("resumed"), or says how this one starts
   * instead: "fresh", or in the place of a session whose node is gone (`replaces`). `signedInAs`
   * (AUTH=jwt): the name of the `hello`'s token; a session of another name is not resumed.
   */
  resume(token: string, received: number, connection: Connection<S>, ref?: Ref, signedInAs?: string): ResumeOutcome | Promise<ResumeOutcome>;
  /** Counts a login from `address` against its per-minute allowance. */
  allowLogin(address: string): boolean;
  /** A detached session got more than it may keep: it can no longer resume. */
  overflowed(session: S): void;
  iceServers: IceServerProvider;
  /** AUTH=jwt: checks sign-in tokens. */
  tokens?: TokenVerifier;
  /** The session's sign-in token ran out: it ends, and its client is told to sign in again. */
  signInExpired(session: S): void;
  /** With JANUS_URL: the server's side of SFU calls. */
  sfu?: SfuRequests;
}

/** What sessions need of the media server's adapter: a participant's `sfu-*` message, done (or a ProtocolError). */
export interface SfuRequests {
  handle(room: string, name: string, message: SfuClientMessage): Promise<void>;
}
