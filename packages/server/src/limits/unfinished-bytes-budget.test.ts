import { describe, expect, it } from "vitest";
import { UnfinishedBytesBudget } from "./unfinished-bytes-budget.js";

describe("UnfinishedBytesBudget", () => {
  it("evicts the largest holder when the total goes over, and stops counting it", () => {
    const budget = new UnfinishedBytesBudget(1000);
    const evicted: string[] = [];
    const hog = budget.open(() => evicted.push("hog"));
    const small = budget.open(() => evicted.push("small"));
    budget.change(hog, 900);
    budget.change(small, 50);
    expect(evicted).toEqual([]);
    budget.change(small, 100); // the small one pushes it over; the hog goes
    expect(evicted).toEqual(["hog"]);
    expect(budget.totalBytes).toBe(150);
    budget.change(hog, 5000); // still arriving from an evicted connection: ignored
    budget.close(hog);
    expect(budget.totalBytes).toBe(150);
  });

  it("evicts as many as needed, each once", () => {
    const budget = new UnfinishedBytesBudget(100);
    const evicted: number[] = [];
    const shares = [0, 1, 2].map((i) => budget.open(() => evicted.push(i)));
    budget.change(shares[0]!, 60);
    budget.change(shares[1]!, 40);
    budget.change(shares[2]!, 90);
    expect(evicted).toEqual([2]);
    budget.change(shares[1]!, 100);
    expect(evicted).toEqual([2, 1]);
    expect(budget.totalBytes).toBe(60);
  });

  it("frees a share when its connection closes or its message completes", () => {
    const budget = new UnfinishedBytesBudget(100);
    const a = budget.open(() => {});
    const b = budget.open(() => {});
    budget.change(a, 70);
    budget.change(b, 20);
    budget.close(a);
    budget.change(b, -20);
    expect(budget.totalBytes).toBe(0);
  });
});
