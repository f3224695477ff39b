// A scripted in-memory WebSocket for the client's unit tests: the cases a real server will not produce.
import { expect, vi } from "vitest";
import { SignalingClient } from "../../src/signaling/signaling-client.js";
import type { WebSocketLike } from "../../src/signaling/websocket-like.js";

export class FakeSocket implements WebSocketLike {
  static last: FakeSocket | undefined;
  readyState = 0;
  sent: Record<string, unknown>[] = [];
  onopen: WebSocketLike["onopen"] = null;
  onmessage: WebSocketLike["onmessage"] = null;
  onclose: WebSocketLike["onclose"] = null;
  onerror: WebSocketLike["onerror"] = null;

  constructor(readonly url: string) {
    FakeSocket.last = this;
  }
  send(data: string): void {
    this.sent.push(JSON.parse(data) as Record<string, unknown>);
  }
  closeCode: number | undefined;
  close(code?: number): void {
    this.closeCode = code;
    this.readyState = 3;
  }
  open(): void {
    this.readyState = 1;
    this.onopen?.({});
  }
  deliver(data: unknown): void {
    this.onmessage?.({ data: typeof data === "string" ? data : JSON.stringify(data) });
  }
  /** Answers the client's hello with a welcome. */
  welcome(extra: Record<string, unknown> = {}, limits: Record<string, unknown> = {}): void {
    const hello = this.sent.find((message) => message.type === "hello")!;
    this.deliver({ type: "welcome", protocol: 1, id: "s1", features: [], limits: { maxMessageBytes: 65536, ...limits }, iceServers: [], ref: hello.ref, ...extra });
  }
  /** Answers the client's login. */
  ack(type: string, extra: Record<string, unknown> = {}): void {
    const request = this.sent.findLast((message) => message.type === type)!;
    this.deliver({ type: "ack", ref: request.ref, ...extra });
  }
}

export const scriptedClient = (options = {}) => new SignalingClient({ url: "ws://example.test/ws", WebSocket: FakeSocket, reconnect: false, ...options });

export async function opened(options = {}): Promise<{ client: SignalingClient; socket: FakeSocket }> {
  const c = scriptedClient(options);
  const connected = c.connect();
  const socket = FakeSocket.last!;
  socket.open();
  socket.welcome();
  await connected;
  return { client: c, socket };
}

/**
 * A client logged in as `name` in room "standup" against a scripted server; `setUp` runs before
 * it connects (to listen); `welcome` adds to the server's welcome (`features`) and its limits.
 */
export async function loggedInScripted(
  name: string,
  options = {},
  setUp: (client: SignalingClient) => void = () => {},
  welcome: { extra?: Record<string, unknown>; limits?: Record<string, unknown> } = {},
): Promise<{ client: SignalingClient; socket: FakeSocket }> {
  const client = scriptedClient({ room: "standup", ...options });
  setUp(client);
  const login = client.login(name);
  const socket = FakeSocket.last!;
  socket.open();
  socket.welcome({ room: "standup", resumeToken: "r1", ...welcome.extra }, welcome.limits);
  await vi.waitFor(() => expect(socket.sent.some((m) => m.type === "username")).toBe(true));
  socket.ack("username", { name });
  await login;
  return { client, socket };
}
