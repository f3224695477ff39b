import { describe, expect, it } from "vitest";
import { CandidateBuffer } from "./candidate-buffer.js";

describe("CandidateBuffer", () => {
  it("keeps candidates in order until drained, then starts empty", () => {
    const buffer = new CandidateBuffer();
    buffer.add({ candidate: "a" });
    buffer.add({ candidate: "b" });
    expect(buffer.drain()).toEqual([{ candidate: "a" }, { candidate: "b" }]);
    expect(buffer.size).toBe(0);
    expect(buffer.drain()).toEqual([]);
  });

  it("is bounded and counts what it refused", () => {
    const buffer = new CandidateBuffer(2);
    for (const c of ["a", "b", "c"]) buffer.add({ candidate: c });
    expect(buffer.size).toBe(2);
    expect(buffer.dropped).toBe(1);
  });
});
