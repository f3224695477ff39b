import { CallManager, type CallManagerOptions, type CallSession, type CallState, type SignalingClient } from "@switchboard/client";
import { WebSocket } from "ws";
import { FakeRTCPeerConnection } from "./fake-peer-connection.js";
import { until, type ClientPool } from "./server.js";

export interface Phone {
  client: SignalingClient;
  manager: CallManager;
}

/** A logged-in user with a CallManager on a fake RTCPeerConnection; waits until it sees `sees`. */
export async function phone(pool: ClientPool, name: string, sees: string[] = [], options: Partial<CallManagerOptions> = {}): Promise<Phone> {
  const client = await pool.loggedIn(name);
  const manager = new CallManager(client, { RTCPeerConnection: FakeRTCPeerConnection, ...options });
  await until(client, "users", () => sees.every((other) => client.user(other) !== undefined));
  return { client, manager };
}

export function nextIncoming(manager: CallManager): Promise<CallSession> {
  return new Promise((resolve) => {
    const dispose = manager.on("incoming-call", (session) => {
      dispose();
      resolve(session);
    });
  });
}

export function reaches(session: CallSession, wanted: CallState): Promise<void> {
  return new Promise((resolve) => {
    if (session.state === wanted) return resolve();
    const dispose = session.on("state", (state) => {
      if (state !== wanted) return;
      dispose();
      resolve();
    });
  });
}

export function endsWith(session: CallSession): Promise<string> {
  return new Promise((resolve) => {
    if (session.endReason) return resolve(session.endReason);
    session.on("ended", resolve);
  });
}

/**
 * A client speaking only the article's protocol (no hello): logs in with `username` and
 * records what it receives. It answers an offer the way the article's client does.
 */
export class ArticleClient {
  /** Everything received, in order (`next` never removes from it). */
  readonly received: Record<string, unknown>[] = [];
  /** What `next` has returned: each message is returned once, so two waits need two messages. */
  readonly #taken = new Set<Record<string, unknown>>();
  #waiters: { accept: (m: Record<string, unknown>) => boolean; resolve: (m: Record<string, unknown>) => void }[] = [];

  private constructor(readonly socket: WebSocket) {
    socket.on("message", (data) => {
      const message = JSON.parse(String(data)) as Record<string, unknown>;
      this.received.push(message);
      const waiter = this.#waiters.find((w) => w.accept(message));
      if (!waiter) return;
      this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
      this.#taken.add(message);
      waiter.resolve(message);
    });
  }

  static async login(url: string, name: string): Promise<ArticleClient> {
    const socket = new WebSocket(url, "json");
    await new Promise((resolve, reject) => socket.once("open", resolve).once("error", reject));
    const client = new ArticleClient(socket);
    client.send({ type: "username", name, date: Date.now(), id: 1 });
    await client.next((m) => m.type === "userlist");
    return client;
  }

  send(message: Record<string, unknown>): void {
    this.socket.send(JSON.stringify(message));
  }

  /** The first message not returned before (already received or still to come) that `accept` likes. */
  next(accept: (message: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> {
    const seen = this.received.find((message) => !this.#taken.has(message) && accept(message));
    if (seen) {
      this.#taken.add(seen);
      return Promise.resolve(seen);
    }
    return new Promise((resolve) => this.#waiters.push({ accept, resolve }));
  }

  close(): void {
    this.socket.close();
  }
}
