import { addressKey } from "../http/client-address.js";
import { SocketCounter, type ClosableSocket } from "./socket-counter.js";

export interface ConnectionLimitOptions {
  /** Plain HTTP connections per peer address; 0: no limit. */
  maxHttpConnectionsPerIp: number;
  /** WebSocket connections per client address; 0: no limit. */
  maxConnectionsPerIp: number;
}

/**
 * Per-address connection caps, counted on sockets so that every place is given back when its
 * socket closes. A TCP connection is plain HTTP until it upgrades; from then on it counts as a
 * WebSocket of its client (behind a trusted proxy, the address from X-Forwarded-For).
 */
export class ConnectionLimits {
  readonly #tcpByPeer = new SocketCounter();
  readonly #upgradedByPeer = new SocketCounter();
  readonly #webSocketsByClient: SocketCounter;

  constructor(private readonly options: ConnectionLimitOptions) {
    this.#webSocketsByClient = new SocketCounter(options.maxConnectionsPerIp);
  }

  /** Open connections that have not upgraded. */
  get httpConnections(): number {
    return this.#tcpByPeer.total - this.#upgradedByPeer.total;
  }

  get webSockets(): number {
    return this.#webSocketsByClient.total;
  }

  /**
   * A new TCP connection from `peer`: counted, or refused (false) when `peer` already has its
   * share of plain HTTP connections. A trusted proxy carries everyone's: it is not capped here.
   */
  admitConnection(peer: string, socket: ClosableSocket, trustedPeer: boolean): boolean {
    const key = addressKey(peer);
    const max = this.options.maxHttpConnectionsPerIp;
    if (!trustedPeer && max > 0 && this.#tcpByPeer.count(key) - this.#upgradedByPeer.count(key) >= max) return false;
    this.#tcpByPeer.add(key, socket);
    return true;
  }

  /** An upgrade from `client` over `peer`'s connection: counted, or refused (false) at the cap. */
  admitWebSocket(client: string, peer: string, socket: ClosableSocket): boolean {
    if (!this.#webSocketsByClient.tryAdd(addressKey(client), socket)) return false;
    this.#upgradedByPeer.add(addressKey(peer), socket);
    return true;
  }
}
