import { describe, expect, it } from "vitest";
import { BusyHolds } from "./busy-holds.js";

describe("BusyHolds", () => {
  it("says busy at the first hold and available only when the last lets go (each disposer once)", () => {
    const sent: string[] = [];
    const holds = new BusyHolds((status) => sent.push(status));
    const call = holds.hold();
    const group = holds.hold();
    call();
    call();
    expect(holds.busy).toBe(true);
    holds.freshSession();
    group();
    holds.freshSession();
    expect(sent).toEqual(["busy", "busy", "available"]);
  });
});
