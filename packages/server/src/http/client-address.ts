/**
 * Whose address a request is: the TCP peer's, or, when that peer is a trusted reverse proxy,
 * the client's from X-Forwarded-For. Per-IP limits count against what this returns.
 */
import type { IncomingMessage } from "node:http";
import { isIP } from "node:net";
import ipaddr from "ipaddr.js";
import proxyAddr from "proxy-addr";

/** True when `list` is valid for TRUST_PROXY (addresses, CIDRs, proxy-addr's range names). */
export function isTrustList(list: readonly string[]): boolean {
  try {
    proxyAddr.compile([...list]);
    return true;
  } catch {
    return false;
  }
}

export interface ClientAddresses {
  /** The TCP peer is one of the trusted proxies. */
  isTrustedPeer(peerAddress: string): boolean;
  /**
   * The client's address: the peer's, unless the peer is trusted; then the rightmost hop of
   * X-Forwarded-For that is not itself trusted. A hop that is not a plain IP address (a malformed
   * header) makes it fall back to the peer's address.
   */
  of(request: IncomingMessage): string;
}

export function clientAddresses(trustProxy: readonly string[]): ClientAddresses {
  const peerOf = (request: IncomingMessage) => request.socket.remoteAddress ?? "unknown";
  if (trustProxy.length === 0) return { isTrustedPeer: () => false, of: peerOf };
  const trust = proxyAddr.compile([...trustProxy]);
  return {
    isTrustedPeer: (peerAddress) => trust(peerAddress, 0),
    of(request) {
      const peer = peerOf(request);
      if (!trust(peer, 0)) return peer;
      // proxy-addr walks the hops from the right and stops at the first one not trusted.
      const client = proxyAddr(request, trust);
      return isIP(client) ? client : peer;
    },
  };
}

/**
 * The key per-IP limits count under: IPv4-mapped IPv6 addresses as the IPv4 address they are,
 * and IPv6 by /64, the block one subscriber gets (anyone holding one can use 2^64 addresses).
 */
export function addressKey(address: string): string {
  if (isIP(address) !== 6) return address;
  const ip = ipaddr.IPv6.parse(address);
  if (ip.isIPv4MappedAddress()) return ip.toIPv4Address().toString();
  const [a, b, c, d] = ip.parts as [number, number, number, number];
  return `${[a, b, c, d].map((part) => part.toString(16)).join(":")}::/64`;
}
