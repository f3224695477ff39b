/**
 * The part of the WebSocket API the client uses. The browser's `WebSocket` and the `ws`
 * package's both fit, so the client runs in a page and in Node alike.
 */

// Handler parameters are checked bivariantly, so that handlers typed for the DOM's or ws's
// richer event classes still fit.
type Handler<E> = { bivarianceHack(event: E): void }["bivarianceHack"] | null;

export interface WebSocketLike {
  readonly readyState: number;
  onopen: Handler<unknown>;
  onmessage: Handler<{ data: unknown }>;
  onclose: Handler<{ code: number; reason: string }>;
  onerror: Handler<unknown>;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

export type WebSocketConstructor = new (url: string, protocols?: string | string[]) => WebSocketLike;

/** `WebSocket.OPEN` in every implementation. */
export const WEBSOCKET_OPEN = 1;

/** The global WebSocket when there is one (browsers, Node 22+), else undefined. */
export function globalWebSocket(): WebSocketConstructor | undefined {
  return (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
}

/**
 * The page's own signaling endpoint: same host, `wss:` under https, path `/ws`.
 * Returns undefined outside a page.
 */
export function defaultSignalingUrl(): string | undefined {
  const location = (globalThis as { location?: { protocol: string; host: string } }).location;
  if (!location?.host) return undefined;
  return `${location.protocol === "https:" ? "wss:" : "ws:"}//${location.host}/ws`;
}

/** Stops listening to a socket we are done with. */
export function detach(socket: WebSocketLike): void {
  socket.onopen = socket.onmessage = socket.onclose = null;
  // Not null: closing a socket that is still connecting makes `ws` emit an error, which would
  // be thrown if no one listened.
  socket.onerror = () => {};
}

/**
 * Closes a socket we are done with. `code` tells the server why: 1000 (leaving for good: it ends
 * the session) or CLOSE_CODES.reconnecting (coming back at once: it keeps the session to resume).
 */
export function closeQuietly(socket: WebSocketLike, code: number): void {
  try {
    socket.close(code);
  } catch {
    // Closing a socket that never opened can throw in some implementations; it is gone anyway.
  }
}
