import { describe, expect, it } from "vitest";
import { IpLimits } from "./ip-limits.js";

describe("IpLimits", () => {
  it("counts open connections per address and frees a slot on close", () => {
    const limits = new IpLimits({ maxConnectionsPerIp: 2, loginsPerMinutePerIp: 0 });
    expect([limits.openConnection("a"), limits.openConnection("a"), limits.openConnection("a")]).toEqual([true, true, false]);
    expect(limits.openConnection("b")).toBe(true);
    limits.closeConnection("a");
    expect(limits.openConnection("a")).toBe(true);
  });

  it("allows logins per minute per address, refilling over the minute", () => {
    const limits = new IpLimits({ maxConnectionsPerIp: 0, loginsPerMinutePerIp: 2 });
    expect([limits.allowLogin("a", 0), limits.allowLogin("a", 0), limits.allowLogin("a", 0)]).toEqual([true, true, false]);
    expect(limits.allowLogin("b", 0)).toBe(true);
    expect(limits.allowLogin("a", 30_000)).toBe(true);
  });

  it("treats 0 as no limit, and forgets addresses whose allowance is whole again", () => {
    const unlimited = new IpLimits({ maxConnectionsPerIp: 0, loginsPerMinutePerIp: 0 });
    for (let i = 0; i < 1000; i++) expect(unlimited.openConnection("a") && unlimited.allowLogin("a")).toBe(true);
    const limits = new IpLimits({ maxConnectionsPerIp: 0, loginsPerMinutePerIp: 1 });
    expect(limits.allowLogin("a", 0)).toBe(true);
    limits.sweep(60_000);
    expect(limits.allowLogin("a", 60_000)).toBe(true); // a fresh allowance, not a leftover
    expect(limits.allowLogin("a", 60_000)).toBe(false);
  });
});
