import { describe, expect, it } from "vitest";
import { leaveOnPageExit, type PageLifecycle } from "./page-exit.js";

function fakePage() {
  const listeners = new Map<string, ((event: { persisted: boolean }) => void)[]>();
  let reloads = 0;
  const page: PageLifecycle = {
    addEventListener: (type, listener) => void listeners.set(type, [...(listeners.get(type) ?? []), listener]),
    location: { reload: () => void reloads++ },
  };
  const fire = (type: string, persisted = false) => listeners.get(type)?.forEach((listener) => listener({ persisted }));
  return { page, fire, reloads: () => reloads };
}

describe("leaveOnPageExit", () => {
  it("leaves on pagehide, whether the page is discarded or kept in the back/forward cache", () => {
    const { page, fire } = fakePage();
    let left = 0;
    leaveOnPageExit(() => left++, page);
    expect(left).toBe(0);
    fire("pagehide");
    fire("pagehide", true);
    expect(left).toBe(2);
  });

  it("reloads a page shown again from the back/forward cache, and only that", () => {
    const { page, fire, reloads } = fakePage();
    leaveOnPageExit(() => {}, page);
    fire("pageshow");
    expect(reloads()).toBe(0);
    fire("pageshow", true);
    expect(reloads()).toBe(1);
  });
});
