import Janode, { type Connection, type Session } from "janode";
import type { Logger } from "pino";
import { withDeadline } from "./deadline.js";

// janode logs every request on the console; the adapter logs what matters through pino.
Janode.Logger.setLevel("none");

const FIRST_RETRY_MS = 200;
const MAX_RETRY_MS = 2_000;
/** Janus ends a session that is silent for its session_timeout (60 s by default). */
const KEEPALIVE_SECONDS = 15;

export interface JanusLinkOptions {
  url: string;
  logger: Logger;
  /** For connecting, creating the session and destroying it. */
  timeoutMs: number;
  /** A Janus session is open (again). */
  onUp(session: Session): void;
  /** The session is gone with its handles (the connection dropped or Janus ended it); reconnecting. */
  onDown(reason: string): void;
}

/**
 * One connection and one session with Janus, kept open: when either goes, `onDown`, then a new
 * attempt after 200 ms, doubling up to 2 s, until one holds (`onUp`) or `close()`. A Janus that
 * stops answering is lost too: janode pings the WebSocket every 10 s and drops it after 5 s
 * without a pong.
 */
export class JanusLink {
  private connection: Connection | null = null;
  private session: Session | null = null;
  private started = false;
  private closed = false;
  private retryMs = FIRST_RETRY_MS;
  private retryTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: JanusLinkOptions) {}

  start(): void {
    if (this.started || this.closed) return;
    this.started = true;
    void this.connect();
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retryTimer);
    const { connection, session } = this;
    this.connection = null;
    this.session = null;
    // Destroying the session removes its handles (and so the publishers) from Janus at once.
    if (session) await withDeadline(session.destroy(), this.options.timeoutMs, "destroying the Janus session").catch(() => undefined);
    if (connection) await this.closeQuietly(connection);
  }

  private async connect(): Promise<void> {
    const { url, logger, timeoutMs } = this.options;
    let connection: Connection | undefined;
    try {
      connection = await Janode.connect({ address: { url }, max_retries: 0, ws_options: { handshakeTimeout: timeoutMs } });
      const opened = connection;
      opened.once(Janode.EVENT.CONNECTION_ERROR, () => this.lost(opened, "the connection to Janus dropped"));
      const session = await withDeadline(opened.create(KEEPALIVE_SECONDS), timeoutMs, "creating a Janus session");
      if (this.closed) {
        await this.closeQuietly(opened);
        return;
      }
      session.once(Janode.EVENT.SESSION_DESTROYED, () => this.lost(opened, "Janus ended the session"));
      this.connection = opened;
      this.session = session;
      this.retryMs = FIRST_RETRY_MS;
      logger.info({ url }, "media server connected");
      this.options.onUp(session);
    } catch (error) {
      if (connection) await this.closeQuietly(connection);
      if (this.closed) return;
      logger.warn({ url, err: error, retryMs: this.retryMs }, "media server unreachable");
      this.retry();
    }
  }

  /** The established connection or its session went away (events for an attempt still in progress are its catch's). */
  private lost(connection: Connection, reason: string): void {
    if (this.connection !== connection) return;
    this.connection = null;
    this.session = null;
    void this.closeQuietly(connection);
    this.options.logger.warn({ url: this.options.url, reason }, "media server lost");
    this.options.onDown(reason);
    this.retry();
  }

  private retry(): void {
    if (this.closed) return;
    const delayMs = this.retryMs;
    this.retryMs = Math.min(this.retryMs * 2, MAX_RETRY_MS);
    this.retryTimer = setTimeout(() => void this.connect(), delayMs);
  }

  private async closeQuietly(connection: Connection): Promise<void> {
    await withDeadline(connection.close(), this.options.timeoutMs, "closing the Janus connection").catch(() => undefined);
  }
}
