import { describe, expect, it } from "vitest";
import { checkRoomName, checkUsername, ROOM_NAME_MAX_LENGTH, uniqueUsername, usernameKeys, USERNAME_MAX_LENGTH } from "./names.js";

/** True when `a` and `b` could not both be online: they share a comparison key. */
const lookAlike = (a: string, b: string) => usernameKeys(a).some((key) => usernameKeys(b).includes(key));

/** A registry of names online, kept unique by key the way the hub does it. */
function online(...names: string[]) {
  const keys = new Set(names.flatMap((name) => usernameKeys(name)));
  return {
    isKeyTaken: (key: string) => keys.has(key),
    add(name: string) {
      for (const key of usernameKeys(name)) keys.add(key);
    },
  };
}

function refusal(name: unknown): string {
  const result = checkUsername(name);
  if (result.ok) throw new Error(`${JSON.stringify(name)} was accepted`);
  return result.reason;
}

describe("checkUsername", () => {
  it.each([
    "a",
    "Naomi",
    "Ñandú",
    "李小龙",
    "王小明",
    "Дмитрий",
    "Σοφία",
    "नमस्ते",
    "さくら",
    "カタカナ",
    "田中さくら", // Han + Hiragana: Japanese, one script for UTS #39
    "山田タロウ", // Han + Katakana
    "漢字とひらがなとカタカナ",
    "김민준",
    "金민준", // Han + Hangul: Korean
    "Jean 李", // Latin + Han is allowed at the Highly Restrictive level
    "Tanaka さくら",
    "محمد١٢", // Arabic with Arabic-Indic digits
    "٣٤٥",
    "שלום",
    "სანდრო",
    "user_1-a.b",
    "Jean Luc",
    "Nguyễn", // two combining marks on one letter
    "x".repeat(32),
  ])("accepts %j", (name) => {
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
    expect(refusal(name)).toMatch(reason);
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

describe("invisible and blank names", () => {
  it.each([
    ["U+034F combining grapheme joiner", "alice\u034f"],
    ["U+200B zero width space", "ali\u200bce"],
    ["U+200C zero width non-joiner", "alice\u200c"],
    ["U+200D zero width joiner", "al\u200dice"],
    ["U+2060 word joiner", "alice\u2060"],
    ["U+FEFF byte order mark", "\ufeffalice"],
    ["U+00AD soft hyphen", "ali\u00adce"],
    ["U+FE0F variation selector 16", "alice\ufe0f"],
    ["U+FE00 variation selector 1", "al\ufe00ice"],
    ["U+E0100 variation selector 17", "alice\u{e0100}"],
    ["U+180B Mongolian free variation selector", "alice\u180b"],
    ["U+17B4 Khmer inherent vowel", "alice\u17b4"],
    ["U+3164 Hangul filler inside a name", "ali\u3164ce"],
    ["U+E0041 tag letter", "alice\u{e0041}"],
  ])("refuses %s (Default_Ignorable_Code_Point), saying so", (_, name) => {
    expect(refusal(name)).toMatch(/invisible character \(U\+[0-9A-F]{4,5}\)/);
  });

  it.each([
    ["U+3164 Hangul filler", "\u3164"],
    ["U+115F Hangul choseong filler", "\u115f"],
    ["U+1160 Hangul jungseong filler", "\u1160"],
    ["U+FFA0 halfwidth Hangul filler", "\uffa0"],
    ["a row of fillers", "\u3164\u3164\u3164"],
    ["fillers and joiners", "\u115f\u1160\u200b"],
  ])("refuses a name of %s as blank", (_, name) => {
    expect(refusal(name)).toMatch(/looks blank/);
  });

  it.each([
    ["a mark alone", "\u0301"],
    ["a mark first", "\u0301alice"],
    ["a mark after a space", "ali \u0301ce"],
    ["a mark after punctuation", "alice_\u0308"],
  ])("refuses %s: a combining mark needs a letter or digit to sit on", (_, name) => {
    expect(refusal(name)).toMatch(/combining mark must follow/);
  });

  it("refuses a doubled mark and a tower of marks (UTS #39 §5.4)", () => {
    expect(refusal("alice\u0301\u0301")).toMatch(/same combining mark twice/);
    expect(refusal("a\u0300\u0301\u0302\u0303\u0304lice")).toMatch(/No more than 4 combining marks/);
    expect(checkUsername("a\u0300\u0301\u0302\u0303lice").ok).toBe(true);
  });
});

describe("mixed scripts (UTS #39 Highly Restrictive)", () => {
  it.each([
    ["Cyrillic а in Latin", "\u0430lice"],
    ["Cyrillic с in Latin", "ali\u0441e"],
    ["Cyrillic і in Latin", "al\u0456ce"],
    ["Greek Α in Latin", "\u0391LICE"],
    ["Greek ο in Latin", "b\u03bfb"],
    ["Latin and Cyrillic words", "Ivan Иван"],
    ["Armenian օ in Latin (Moderately Restrictive would allow it)", "b\u0585b"],
    ["Cherokee Ꭺ in Latin", "\u13aalice"],
    ["Lisu ꓮ in Latin", "\ua4eelice"],
    ["Latin with Arabic-Indic digits", "alice\u0661"],
    ["Latin with Devanagari digits", "alice\u0967"],
    ["Cyrillic and Greek", "Дмитрий Σοφία"],
    ["Hangul with kana", "김さくら"],
  ])("refuses %s", (_, name) => {
    expect(refusal(name)).toMatch(/one script/);
  });

  it("refuses digits of two numbering systems (UTS #39 §5.3)", () => {
    expect(refusal("alice1\u{1d7cf}")).toMatch(/one numbering system/); // ASCII 1 and bold 𝟏
    expect(refusal("محمد1١")).toMatch(/one numbering system/); // ASCII and Arabic-Indic
    expect(refusal("\u0661\u06f1")).toMatch(/one numbering system/); // Arabic-Indic and Extended Arabic-Indic
    expect(checkUsername("alice\u{1d7cf}\u{1d7d0}").ok).toBe(true); // one system, however odd
  });
});

describe("usernameKeys: names that look alike share a key", () => {
  it.each([
    ["Cyrillic а", "\u0430lice", "alice"],
    ["Cyrillic е, о, р, с, х", "\u0435\u043e\u0440\u0441\u0445", "eopcx"],
    ["Greek ο, ν, ι", "\u03bf\u03bd\u03b9", "ovi"],
    ["capitals", "ALICE", "alice"],
    ["mixed case", "AlIcE", "alice"],
    ["fullwidth", "ａｌｉｃｅ", "alice"],
    ["mathematical bold", "𝐚𝐥𝐢𝐜𝐞", "alice"],
    ["mathematical double-struck", "𝕒𝕝𝕚𝕔𝕖", "alice"],
    ["decomposed accents", "ali\u0301ce", "al\u00edce"],
  ])("%s: %j looks like %j", (_, name, plain) => {
    expect(lookAlike(name, plain)).toBe(true);
  });

  it.each([
    ["alice1", "alice𝟏"], // mathematical digit: NFKC makes it 1
    ["alice1", "alicel"], // 1 and l are confusable
    ["alice1", "ALICE1"],
    ["Straße", "STRASSE"], // full case folding
    ["straẞe", "strasse"],
    ["ape", "аре"], // a whole-script Cyrillic look-alike, small
    ["BOB", "ВОВ"], // and in capitals
    ["bob", "вов"], // which is also bob in small letters
    ["BOB", "b0b"], // 0 looks like O
    ["m", "rn"],
    ["ǆ", "dž"], // NFKC
    ["ﬁsh", "fish"],
  ])("%j and %j", (a, b) => {
    expect(lookAlike(a, b)).toBe(true);
  });

  it.each([
    ["alice", "bob"],
    ["alice", "allce"],
    ["Bill", "Bili"],
    ["Дмитрий", "Dmitriy"],
    ["Σοφία", "Sofia"],
    ["さくら", "サクラ"],
    ["alice", "alicé"],
  ])("keeps %j and %j apart", (a, b) => {
    expect(lookAlike(a, b)).toBe(false);
  });
});

describe("uniqueUsername", () => {
  it("keeps a free name and numbers a taken one like the article", () => {
    const users = online("Naomi", "Naomi1");
    expect(uniqueUsername("Priya", users.isKeyTaken)).toBe("Priya");
    expect(uniqueUsername("Naomi", users.isKeyTaken)).toBe("Naomi2");
  });

  it("shortens the base so the numbered name fits", () => {
    const long = "z".repeat(USERNAME_MAX_LENGTH);
    const users = online(long, ...Array.from({ length: 9 }, (_, i) => "z".repeat(31) + (i + 1)));
    expect(uniqueUsername(long, users.isKeyTaken)).toBe(`${"z".repeat(30)}10`);
  });

  it.each(["alice", "ALICE", "Alice", "ａｌｉｃｅ", "𝐚𝐥𝐢𝐜𝐞", "bob", "b0b", "ВОВ"])(
    "renames %j, which looks like a name in use",
    (name) => {
      expect(uniqueUsername(name, online("alice", "BOB").isKeyTaken)).not.toBe(name);
    },
  );

  it("takes only a checked name, since no number could make a bad one good", () => {
    expect(() => uniqueUsername("\u0430lice", online().isKeyTaken)).toThrow(/checked name/);
    expect(() => uniqueUsername("Cafe\u0301", online().isKeyTaken)).toThrow(/NFC/);
  });

  it("never picks a number that looks like a name in use", () => {
    // alice1 would look like alicel (and like alice𝟏): the next number is taken instead.
    expect(uniqueUsername("alice", online("alice", "alicel").isKeyTaken)).toBe("alice2");
    expect(uniqueUsername("alice", online("alice", "ALICE𝟏").isKeyTaken)).toBe("alice2");
  });

  it("numbers in the digits the name already uses, so the result is valid", () => {
    const arabic = "محمد١";
    const renamed = uniqueUsername(arabic, online(arabic).isKeyTaken);
    expect(renamed).toBe("محمد١١");
    expect(checkUsername(renamed).ok).toBe(true);
    const bold = "alice\u{1d7cf}";
    expect(uniqueUsername(bold, online("alice1").isKeyTaken)).toBe("alice\u{1d7cf}\u{1d7cf}");
  });

  it("gives every user of a crowd of look-alikes a name that is valid and looks like no other", () => {
    const users = online();
    const given: string[] = [];
    for (const requested of ["alice", "ALICE", "Alice", "ａｌｉｃｅ", "alice", "alicel", "alice1", "ALICE1", "alice𝟏"]) {
      const name = uniqueUsername(requested, users.isKeyTaken);
      expect(checkUsername(name)).toEqual({ ok: true, name });
      for (const other of given) expect(lookAlike(name, other), `${name} vs ${other}`).toBe(false);
      given.push(name);
      users.add(name);
    }
  });
});

describe("checkRoomName", () => {
  it("takes what a user name takes, up to 64 characters, in NFC", () => {
    for (const room of ["lobby", "Team stand-up", "李小龙的房间", "x".repeat(ROOM_NAME_MAX_LENGTH)]) expect(checkRoomName(room)).toEqual({ ok: true, name: room });
    expect(checkRoomName("Cafe\u0301")).toEqual({ ok: true, name: "Caf\u00e9" });
    expect(checkUsername("x".repeat(ROOM_NAME_MAX_LENGTH)).ok).toBe(false);
  });

  it.each([
    ["", "The room name is empty."],
    ["x".repeat(ROOM_NAME_MAX_LENGTH + 1), "The room name is longer than 64 characters."],
    [" team", "The room name cannot start or end with a space."],
    ["te\u200bam", "The room name holds an invisible character (U+200B); remove it."],
    ["\u200b", "The room name looks blank: U+200B and the like show nothing."],
    ["team/../x", "Use only letters, digits, spaces, '_', '-' and '.'."],
    ["B\u043eb", "Use one script (Latin may go with Chinese, Japanese or Korean): mixed scripts can pass for other room names."],
    [42, "The room name must be a string."],
  ])("refuses %j: %s", (room, reason) => {
    expect(checkRoomName(room)).toEqual({ ok: false, reason });
  });
});
