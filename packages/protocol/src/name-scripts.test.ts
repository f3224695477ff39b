// The script and digit logic leans on what the JavaScript engine knows of Unicode: these
// tests check those assumptions against every code point of this engine.
import { describe, expect, it } from "vitest";
import { digitZero, isHighlyRestrictive, SCRIPT_ALIASES } from "./name-scripts.js";

const NAME_CHAR = /^[\p{L}\p{M}\p{N}]$/u;

function* codePoints(): Generator<string> {
  for (let cp = 0; cp < 0x110000; cp++) if (cp < 0xd800 || cp > 0xdfff) yield String.fromCodePoint(cp);
}

describe("the engine's Unicode data", () => {
  it("puts every letter, mark and digit in a listed script, or in Common or Inherited", () => {
    const supported = SCRIPT_ALIASES.filter((alias) => {
      try {
        new RegExp(`\\p{scx=${alias}}`, "u");
        return true;
      } catch {
        return false;
      }
    });
    const anyListed = new RegExp(`^[${["Zyyy", "Zinh", ...supported].map((alias) => `\\p{scx=${alias}}`).join("")}]$`, "u");
    const missing = [...codePoints()].filter((char) => NAME_CHAR.test(char) && !anyListed.test(char));
    expect(missing.map((char) => char.codePointAt(0)!.toString(16))).toEqual([]);
  });

  it("encodes decimal digits in whole runs of ten, 0 to 9, as digitZero assumes", () => {
    const nd = /^\p{Nd}$/u;
    const zeros = new Set<number>();
    for (const char of codePoints()) {
      if (!nd.test(char)) continue;
      const cp = char.codePointAt(0)!;
      const zero = digitZero(cp);
      expect(cp - zero).toBeLessThan(10);
      // The digit's own value, from NFKC where it has one (e.g. 𝟕 → 7), agrees.
      const plain = char.normalize("NFKC");
      if (/^[0-9]$/.test(plain)) expect(cp - zero).toBe(Number(plain));
      zeros.add(zero);
    }
    for (const zero of zeros) expect(nd.test(String.fromCodePoint(zero + 9))).toBe(true);
    expect(zeros.size).toBeGreaterThan(50);
  });
});

describe("isHighlyRestrictive", () => {
  it.each([
    ["Latin", "alice", true],
    ["Latin with digits and punctuation", "alice_1-a.b", true],
    ["Cyrillic", "Дмитрий", true],
    ["Han + Hiragana + Katakana", "漢字ひらがなカタカナ", true],
    ["Latin + Han + Hiragana", "Tanaka 田中さくら", true],
    ["Latin + Han + Bopomofo", "Li 李ㄌㄧ", true],
    ["Latin + Han + Hangul", "Kim 金민준", true],
    ["Latin + Cyrillic", "Ivan Иван", false],
    ["Latin + Greek", "Alpha Άλφα", false],
    ["Latin + Armenian", "b\u0585b", false],
    ["Hangul + Katakana", "민준カタ", false],
    ["Bopomofo + Hiragana", "ㄌさ", false],
  ])("%s: %j → %s", (_, name, expected) => {
    expect(isHighlyRestrictive(name)).toBe(expected);
  });
});
