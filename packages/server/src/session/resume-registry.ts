import { newResumeToken } from "./resume-token.js";
import type { Session } from "./session.js";

export interface ResumeRegistryOptions {
  graceMs: number;
  /** Called when a detached session was not resumed in time (or could not be). */
  onExpired(session: Session): void;
}

/**
 * Resumable sessions by token. When a modern client's connection drops, its session waits here
 * for `graceMs`, keeping the user's name and presence, then ends.
 */
export class ResumeRegistry {
  readonly #sessions = new Map<string, Session>();
  readonly #timers = new Map<Session, ReturnType<typeof setTimeout>>();

  constructor(private readonly options: ResumeRegistryOptions) {}

  get detachedCount(): number {
    return this.#timers.size;
  }

  register(session: Session): void {
    if (session.resumeToken) this.#sessions.set(session.resumeToken, session);
  }

  sessions(): Iterable<Session> {
    return this.#sessions.values();
  }

  find(token: string): Session | undefined {
    return this.#sessions.get(token);
  }

  /**
   * Gives a session that is being resumed a new token, so that each token works once: whoever
   * copied an old one cannot take the session over again.
   */
  rotate(session: Session): void {
    if (session.resumeToken !== null && this.#sessions.get(session.resumeToken) === session) this.#sessions.delete(session.resumeToken);
    session.resumeToken = newResumeToken();
    this.#sessions.set(session.resumeToken, session);
  }

  /** The session's connection dropped: keep it for the grace period. */
  detach(session: Session): void {
    session.outbox.detach();
    clearTimeout(this.#timers.get(session));
    this.#timers.set(
      session,
      setTimeout(() => this.expire(session), this.options.graceMs),
    );
  }

  /** The session is attached again. */
  reattached(session: Session): void {
    clearTimeout(this.#timers.get(session));
    this.#timers.delete(session);
  }

  /**
   * Ends a session now (also used when detached traffic overflows what it may keep). Only once:
   * an overflowing session reports each further message it cannot keep.
   */
  expire(session: Session): void {
    if (session.resumeToken === null || this.#sessions.get(session.resumeToken) !== session) return;
    this.forget(session);
    this.options.onExpired(session);
  }

  /** Drops a session without ending it (its user left for good by other means). */
  forget(session: Session): void {
    clearTimeout(this.#timers.get(session));
    this.#timers.delete(session);
    if (session.resumeToken && this.#sessions.get(session.resumeToken) === session) {
      this.#sessions.delete(session.resumeToken);
    }
  }

  /** Ends every waiting session; used at shutdown. */
  close(): void {
    for (const session of [...this.#timers.keys()]) this.expire(session);
    this.#sessions.clear();
  }
}
