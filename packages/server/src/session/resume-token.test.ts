import { describe, expect, it } from "vitest";
import { newResumeToken } from "./resume-token.js";

describe("newResumeToken", () => {
  it("gives 192-bit base64url tokens, never the same one twice across refills of its pool", () => {
    const tokens = Array.from({ length: 1000 }, () => newResumeToken());
    for (const token of tokens) expect(token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(new Set(tokens).size).toBe(tokens.length);
  });
});
