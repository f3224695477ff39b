/**
 * The signaling connection's life:
 *
 *   idle -> connecting -> open <-> reconnecting
 *                \___________________\_______-> closed (terminal)
 *
 * "open" means the socket is up and the `hello` handshake done (and, after a reconnect, the
 * user logged in again); only then are queued requests sent.
 */
export type ConnectionState = "idle" | "connecting" | "open" | "reconnecting" | "closed";

const ALLOWED: Readonly<Record<ConnectionState, readonly ConnectionState[]>> = {
  idle: ["connecting", "closed"],
  connecting: ["open", "reconnecting", "closed"],
  open: ["reconnecting", "closed"],
  reconnecting: ["open", "closed"],
  closed: [],
};

export function canTransition(from: ConnectionState, to: ConnectionState): boolean {
  return ALLOWED[from].includes(to);
}

/** A transition the state machine forbids: always a bug in the client, never a network event. */
export class IllegalTransitionError extends Error {
  constructor(machine: string, from: string, to: string) {
    super(`${machine}: illegal transition ${from} -> ${to}`);
    this.name = "IllegalTransitionError";
  }
}

export function assertTransition(from: ConnectionState, to: ConnectionState): void {
  if (!canTransition(from, to)) throw new IllegalTransitionError("SignalingClient", from, to);
}
