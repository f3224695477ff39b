import { addressKey } from "../http/client-address.js";
import { SocketCounter, type ClosableSocket } from "./socket-counter.js";

export interface ConnectionLimitOptions {
  /** Plain HTTP connections per peer address; 0: no limit. */
  maxHttpConnectionsPerIp: number;
  /** WebSocket connections per client address; 0: no limit. */
  maxConnectionsPerIp: number;
}

/** The places one socket holds, given back together when it closes. */
interface Places {
  readonly limits: ConnectionLimits;
  tcpPeer?: string;
  upgradedPeer?: string;
  webSocketClient?: string;
}

// Keyed by socket so that one listener function serves every socket: a closure per socket and
// counter cost about 300 bytes per connection.
const placesBySocket = new WeakMap<ClosableSocket, Places>();

/**
 * Per-address connection caps, counted on sockets so that every place is given back when its
 * socket closes, and only then, exactly once: accounting follows the socket's life, so no path
 * that ends a connection (a refused handshake, a reset, a timeout) can leak a place. A TCP
 * connection is plain HTTP until it upgrades; from then on it counts as a WebSocket of its
 * client (behind a trusted proxy, the address from X-Forwarded-For).
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
    const places = this.#placesOf(socket);
    if (places && places.tcpPeer === undefined) {
      this.#tcpByPeer.add(key);
      places.tcpPeer = key;
    }
    return true;
  }

  /** An upgrade from `client` over `peer`'s connection: counted, or refused (false) at the cap. */
  admitWebSocket(client: string, peer: string, socket: ClosableSocket): boolean {
    const clientKey = addressKey(client);
    if (this.#webSocketsByClient.isFull(clientKey)) return false;
    const places = this.#placesOf(socket);
    if (places && places.webSocketClient === undefined) {
      this.#webSocketsByClient.add(clientKey);
      places.webSocketClient = clientKey;
      const peerKey = addressKey(peer);
      this.#upgradedByPeer.add(peerKey);
      places.upgradedPeer = peerKey;
    }
    return true;
  }

  /** The one 'close' listener of every counted socket (called with the socket as `this`). */
  static #releaseSocket(this: ClosableSocket): void {
    const places = placesBySocket.get(this);
    if (!places) return;
    placesBySocket.delete(this);
    places.limits.#release(places);
  }

  #release(places: Places): void {
    if (places.tcpPeer !== undefined) this.#tcpByPeer.release(places.tcpPeer);
    if (places.upgradedPeer !== undefined) this.#upgradedByPeer.release(places.upgradedPeer);
    if (places.webSocketClient !== undefined) this.#webSocketsByClient.release(places.webSocketClient);
  }

  /** The socket's places, made on first sight; none for a socket already closed (its 'close' has gone by). */
  #placesOf(socket: ClosableSocket): Places | undefined {
    let places = placesBySocket.get(socket);
    if (places || socket.closed) return places;
    places = { limits: this };
    placesBySocket.set(socket, places);
    socket.on("close", ConnectionLimits.#releaseSocket);
    return places;
  }
}
