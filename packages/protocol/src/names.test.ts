import { describe, expect, it } from "vitest";
import { checkUsername, uniqueUsername, USERNAME_MAX_LENGTH } from "./names.js";

describe("checkUsername", () => {
  it.each(["a", "Naomi", "Ñandú", "李小龙", "Дмитрий", "नमस्ते", "user_1-a.b", "Jean Luc", "٣٤٥", "x".repeat(32)])("accepts %j", (name) => {
    expect(checkUsername(name)).toEqual({ ok: true, name });
  });

  it.each([
    ["", /empty/],
    ["x".repeat(33), /longer than 32/],
    ["a<b", /letters/],
    ["tab\there", /letters/],
    ["new\nline", /letters/],
    ["emoji🙂", /letters/],
    [" lead", /space/],
    ["trail ", /space/],
    ["   ", /space/],
    [null, /string/],
    [7, /string/],
  ])("refuses %j", (name, reason) => {
    const result = checkUsername(name);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(reason);
  });

  it("counts characters, not UTF-16 units, and normalizes to NFC", () => {
    // Outside the BMP: two UTF-16 units per letter, still one character each.
    expect(checkUsername("𝒜".repeat(USERNAME_MAX_LENGTH)).ok).toBe(true);
    expect(checkUsername("𝒜".repeat(USERNAME_MAX_LENGTH + 1)).ok).toBe(false);
    const decomposed = "Cafe\u0301";
    expect(checkUsername(decomposed)).toEqual({ ok: true, name: "Café" });
    expect(checkUsername("é".repeat(USERNAME_MAX_LENGTH)).ok).toBe(true);
  });
});

describe("uniqueUsername", () => {
  it("keeps a free name and numbers a taken one like the article", () => {
    const taken = new Set(["Naomi", "Naomi1"]);
    expect(uniqueUsername("Priya", (n) => taken.has(n))).toBe("Priya");
    expect(uniqueUsername("Naomi", (n) => taken.has(n))).toBe("Naomi2");
  });

  it("shortens the base so the numbered name fits", () => {
    const long = "z".repeat(USERNAME_MAX_LENGTH);
    const taken = new Set([long, ...Array.from({ length: 9 }, (_, i) => "z".repeat(31) + (i + 1))]);
    expect(uniqueUsername(long, (n) => taken.has(n))).toBe(`${"z".repeat(30)}10`);
  });
});
