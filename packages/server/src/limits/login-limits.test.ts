import { describe, expect, it } from "vitest";
import { LoginLimits } from "./login-limits.js";

describe("LoginLimits", () => {
  it("allows logins per minute per address, refilling over the minute", () => {
    const limits = new LoginLimits({ loginsPerMinutePerIp: 2 });
    expect([limits.allowLogin("a", 0), limits.allowLogin("a", 0), limits.allowLogin("a", 0)]).toEqual([true, true, false]);
    expect(limits.allowLogin("b", 0)).toBe(true);
    expect(limits.allowLogin("a", 30_000)).toBe(true);
  });

  it("counts an IPv6 /64 as one address", () => {
    const limits = new LoginLimits({ loginsPerMinutePerIp: 1 });
    expect(limits.allowLogin("2001:db8::1", 0)).toBe(true);
    expect(limits.allowLogin("2001:db8::2", 0)).toBe(false);
  });

  it("treats 0 as no limit, and forgets addresses whose allowance is whole again", () => {
    const unlimited = new LoginLimits({ loginsPerMinutePerIp: 0 });
    for (let i = 0; i < 1000; i++) expect(unlimited.allowLogin("a")).toBe(true);
    const limits = new LoginLimits({ loginsPerMinutePerIp: 1 });
    expect(limits.allowLogin("a", 0)).toBe(true);
    limits.sweep(60_000);
    expect(limits.allowLogin("a", 60_000)).toBe(true); // a fresh allowance, not a leftover
    expect(limits.allowLogin("a", 60_000)).toBe(false);
  });
});
