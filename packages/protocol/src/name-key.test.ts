import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { numberedKeys, skeleton, usernameKeys } from "./name-key.js";

const NAME_CHAR = /^[\p{L}\p{M}\p{N}]$/u;

function* codePoints(): Generator<string> {
  for (let cp = 0; cp < 0x110000; cp++) if (cp < 0xd800 || cp > 0xdfff) yield String.fromCodePoint(cp);
}

describe("usernameKeys", () => {
  it("reaches a stable skeleton for every allowed character (the bound on rounds is never hit)", () => {
    const unstable = [...codePoints()]
      .filter((char) => NAME_CHAR.test(char))
      .filter((char) => usernameKeys(char).some((key) => {
        const body = key.slice(key.indexOf(":") + 1);
        return skeleton(body) !== body;
      }));
    expect(unstable).toEqual([]);
  });
});

describe("numberedKeys", () => {
  // Letters where context or composition could bite: final sigma, ß, marks, compatibility forms.
  const letters = ["a", "Σ", "σ", "ς", "ß", "ẞ", "e\u0301", "\u0301", "ａ", "𝐚", "ﬁ", "İ", "ı", "Д", "田", "ㄱ", "가", "ٮ", "1", "𝟏", "١", " ", "_"];
  const zeros = [0x30, 0x660, 0x6f0, 0x966, 0x1d7ce, 0x1d7ec, 0xff10];

  it("gives the keys usernameKeys gives the numbered name, for any prefix and number", () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...letters), { maxLength: 8 }), fc.constantFrom(...zeros), fc.nat(100_000), (parts, zero, n) => {
        const prefix = parts.join("");
        const number = String(n);
        const digits = [...number].map((d) => String.fromCodePoint(zero + Number(d))).join("");
        expect(numberedKeys(prefix, zero)(number)).toEqual(usernameKeys(prefix + digits));
      }),
      { numRuns: 2000 },
    );
  });
});
