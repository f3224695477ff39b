import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import { addressKey, clientAddresses, isTrustList } from "./client-address.js";

const request = (peer: string, forwardedFor?: string) =>
  ({ socket: { remoteAddress: peer }, headers: forwardedFor === undefined ? {} : { "x-forwarded-for": forwardedFor } }) as IncomingMessage;

describe("client addresses", () => {
  it("trusts nobody by default: X-Forwarded-For is ignored", () => {
    const addresses = clientAddresses([]);
    expect(addresses.of(request("203.0.113.9", "198.51.100.1"))).toBe("203.0.113.9");
    expect(addresses.isTrustedPeer("127.0.0.1")).toBe(false);
  });

  it("ignores a spoofed X-Forwarded-For from a peer that is not a trusted proxy", () => {
    const addresses = clientAddresses(["10.0.0.0/8"]);
    expect(addresses.of(request("203.0.113.9", "198.51.100.1"))).toBe("203.0.113.9");
  });

  it("takes the client from X-Forwarded-For when the peer is a trusted proxy", () => {
    const addresses = clientAddresses(["10.0.0.5"]);
    expect(addresses.isTrustedPeer("10.0.0.5")).toBe(true);
    expect(addresses.of(request("10.0.0.5", "198.51.100.1"))).toBe("198.51.100.1");
  });

  it("walks a multi-hop chain from the right to the first hop it does not trust", () => {
    const addresses = clientAddresses(["10.0.0.0/8", "loopback"]);
    // A client's own (forged) entry, the client, an inner proxy, then the peer (an edge proxy).
    expect(addresses.of(request("127.0.0.1", "1.1.1.1, 198.51.100.7, 10.1.2.3"))).toBe("198.51.100.7");
    // Every hop trusted: the leftmost is the client.
    expect(addresses.of(request("127.0.0.1", "10.9.9.9, 10.1.2.3"))).toBe("10.9.9.9");
  });

  it("falls back to the peer when the header is malformed", () => {
    const addresses = clientAddresses(["127.0.0.1"]);
    for (const header of ["not-an-ip", "198.51.100.1, <script>", "198.51.100.1:443", "0x7f.1", "::ffff:zz"]) {
      expect(addresses.of(request("127.0.0.1", header)), header).toBe("127.0.0.1");
    }
    expect(addresses.of(request("127.0.0.1", ""))).toBe("127.0.0.1");
  });

  it("handles IPv6 proxies and IPv4-mapped peers", () => {
    const addresses = clientAddresses(["::1", "192.0.2.0/24"]);
    expect(addresses.of(request("::1", "2001:db8::42"))).toBe("2001:db8::42");
    expect(addresses.of(request("::ffff:192.0.2.1", "198.51.100.3"))).toBe("198.51.100.3");
  });

  it("validates TRUST_PROXY lists", () => {
    expect(isTrustList(["10.0.0.0/8", "::1", "loopback"])).toBe(true);
    expect(isTrustList(["10.0.0.0/33"])).toBe(false);
    expect(isTrustList(["proxy.example.com"])).toBe(false);
  });
});

describe("address keys", () => {
  it("keys IPv4 as itself, IPv4-mapped IPv6 as IPv4, and IPv6 by /64", () => {
    expect(addressKey("198.51.100.1")).toBe("198.51.100.1");
    expect(addressKey("::ffff:198.51.100.1")).toBe("198.51.100.1");
    expect(addressKey("2001:db8:1:2:aaaa::1")).toBe(addressKey("2001:db8:1:2:bbbb::9"));
    expect(addressKey("2001:db8:1:2::1")).not.toBe(addressKey("2001:db8:1:3::1"));
    expect(addressKey("unknown")).toBe("unknown");
  });
});
