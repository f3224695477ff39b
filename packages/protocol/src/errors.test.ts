import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ERROR_CODES, errorMessage } from "./index.js";

const protocolDoc = readFileSync(new URL("../../../docs/protocol.md", import.meta.url), "utf8");

describe("error catalog", () => {
  it("is documented in docs/protocol.md, code for code", () => {
    const table = protocolDoc.split("<!-- error-codes")[1]!.split("### Close codes")[0]!;
    const documented = [...table.matchAll(/^\| `([a-z-]+)` \|/gm)].map((match) => match[1]);
    expect(documented.sort()).toEqual(Object.keys(ERROR_CODES).sort());
  });

  it("builds error messages with the catalog text and the request's ref", () => {
    expect(errorMessage("unknown-target", undefined, 7)).toEqual({
      type: "error",
      code: "unknown-target",
      message: ERROR_CODES["unknown-target"],
      ref: 7,
    });
    expect(errorMessage("bad-name", "Too long.").message).toBe(`${ERROR_CODES["bad-name"]} Too long.`);
  });
});
