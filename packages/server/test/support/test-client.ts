import { WebSocket } from "ws";

type Message = Record<string, unknown> & { type: string };

/**
 * A raw `ws` client for tests: records every message and lets a test wait for the next one
 * matching a predicate, so tests wait on events instead of sleeping.
 */
export class TestClient {
  readonly received: Message[] = [];
  readonly socket: WebSocket;
  #cursor = 0;
  #waiters: (() => void)[] = [];
  #requests = 0;
  readonly opened: Promise<void>;
  readonly closed: Promise<{ code: number; reason: string }>;

  constructor(url: string, protocols: string | string[] = "json") {
    this.socket = new WebSocket(url, protocols);
    this.socket.on("message", (data) => {
      this.received.push(JSON.parse(data.toString()) as Message);
      for (const wake of this.#waiters.splice(0)) wake();
    });
    this.opened = new Promise((resolve, reject) => {
      this.socket.once("open", () => resolve());
      this.socket.once("error", reject);
    });
    this.closed = new Promise((resolve) =>
      this.socket.once("close", (code, reason) => {
        resolve({ code, reason: reason.toString() });
        for (const wake of this.#waiters.splice(0)) wake();
      }),
    );
  }

  static async connect(url: string, protocols?: string | string[]): Promise<TestClient> {
    const client = new TestClient(url, protocols);
    await client.opened;
    return client;
  }

  /** Connects and logs in the article's way (no hello), as the article's client does. */
  static async legacy(url: string, name: string): Promise<TestClient> {
    const client = await TestClient.connect(url);
    const { id } = await client.next("id");
    client.send({ type: "username", name, id, date: Date.now() });
    await client.#learnName(name);
    return client;
  }

  /** Connects, says hello (naming `room`, if given) and logs in. */
  static async modern(url: string, name: string, room?: string): Promise<TestClient> {
    const client = await TestClient.connect(url);
    await client.next("id");
    client.send(room === undefined ? { type: "hello", protocol: 1 } : { type: "hello", protocol: 1, room });
    await client.next("welcome");
    client.send({ type: "username", name });
    await client.#learnName(name);
    return client;
  }

  /** The name the server gave this client at login. */
  name = "";

  async #learnName(requested: string): Promise<void> {
    // The server answers a login with a userlist holding the user (rejectusername first if renamed).
    const list = await this.next("userlist");
    const renamed = this.received.find((m) => m.type === "rejectusername");
    this.name = renamed ? (renamed.name as string) : requested;
    if (!(list.users as string[]).includes(this.name)) await this.next("userlist", (m) => (m.users as string[]).includes(this.name));
  }

  send(message: unknown): void {
    this.socket.send(typeof message === "string" ? message : JSON.stringify(message));
  }

  /** The next message of `type` (after those already consumed) that satisfies `match`. */
  async next(type: string, match: (message: Message) => boolean = () => true, timeoutMs = 5000): Promise<Message> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      while (this.#cursor < this.received.length) {
        const message = this.received[this.#cursor++]!;
        if (message.type === type && match(message)) return message;
      }
      if (this.socket.readyState === WebSocket.CLOSED) throw new Error(`closed while waiting for "${type}"`);
      const remaining = deadline - Date.now();
      if (remaining <= 0) {
        throw new Error(`timed out waiting for "${type}"; got ${JSON.stringify(this.received.slice(-5))}`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, remaining);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /**
   * The answer to the request `ref`: "ack", or its error's code. Read wherever it is, leaving
   * the other messages to `next`.
   */
  async answer(ref: string, timeoutMs = 5000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.received.find((m) => (m.type === "ack" || m.type === "error") && m.ref === ref);
      if (found) return found.type === "ack" ? "ack" : (found.code as string);
      if (this.socket.readyState === WebSocket.CLOSED) throw new Error(`closed while waiting for the answer to ${ref}`);
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Error(`timed out waiting for the answer to ${ref}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, remaining);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Sends `message` with a fresh `ref` and resolves with its answer (see `answer`). */
  request(message: Record<string, unknown>): Promise<string> {
    const ref = `r${++this.#requests}`;
    this.send({ ...message, ref });
    return this.answer(ref);
  }

  /** Every message of `type` received so far, consumed or not. */
  all(type: string): Message[] {
    return this.received.filter((message) => message.type === type);
  }

  /**
   * Proves that nothing of `type` arrived: sends a ping to itself through the server and
   * waits for it, so every message sent before has been delivered (the server keeps order).
   */
  async expectNone(type: string, match: (message: Message) => boolean = () => true): Promise<void> {
    const marker = `barrier-${Math.random()}`;
    this.send({ type: "barrier", marker, target: this.name });
    await this.next("barrier", (m) => m.marker === marker);
    const found = this.received.filter((m) => m.type === type && match(m));
    if (found.length > 0) throw new Error(`unexpected "${type}": ${JSON.stringify(found)}`);
  }

  close(): Promise<{ code: number; reason: string }> {
    this.socket.close();
    return this.closed;
  }
}
