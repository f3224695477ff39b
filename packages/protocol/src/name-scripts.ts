/**
 * UTS #39 §5: the restriction level of a name's scripts and mixed-number detection, from the
 * Script_Extensions the JavaScript engine knows (`\p{scx=…}`), so no script table ships here.
 *
 * The level is **Highly Restrictive**: one script, or Latin with Han and the Japanese kana, or
 * Latin with Han and Bopomofo, or Latin with Han and Hangul. Moderately Restrictive would also
 * let Latin mix with one more script, such as Armenian, whose `օ` and `ս` pass for Latin `o`
 * and `u` inside a Latin name; Chromium displays domain names at Highly Restrictive too.
 * Common and Inherited characters (digits, `_`, `-`, `.`, space, most combining marks) go with
 * any script.
 */

/**
 * Unicode's scripts (PropertyValueAliases.txt, through Unicode 17), by short alias. An engine
 * that predates one skips it (see `SCRIPTS`); a test checks that every letter the engine knows
 * belongs to one of them.
 */
export const SCRIPT_ALIASES = [
  "Adlm", "Aghb", "Ahom", "Arab", "Armi", "Armn", "Avst", "Bali", "Bamu", "Bass", "Batk", "Beng",
  "Berf", "Bhks", "Bopo", "Brah", "Brai", "Bugi", "Buhd", "Cakm", "Cans", "Cari", "Cham", "Cher",
  "Chis", "Chrs", "Copt", "Cpmn", "Cprt", "Cyrl", "Deva", "Diak", "Dogr", "Dsrt", "Dupl", "Egyp",
  "Elba", "Elym", "Ethi", "Gara", "Geor", "Glag", "Gong", "Gonm", "Goth", "Gran", "Grek", "Gujr",
  "Gukh", "Guru", "Hang", "Hani", "Hano", "Hatr", "Hebr", "Hira", "Hluw", "Hmng", "Hmnp", "Hung",
  "Ital", "Java", "Kali", "Kana", "Kawi", "Khar", "Khmr", "Khoj", "Kits", "Knda", "Krai", "Kthi",
  "Lana", "Laoo", "Latn", "Lepc", "Limb", "Lina", "Linb", "Lisu", "Lyci", "Lydi", "Mahj", "Maka",
  "Mand", "Mani", "Marc", "Medf", "Mend", "Merc", "Mero", "Mlym", "Modi", "Mong", "Mroo", "Mtei",
  "Mult", "Mymr", "Nagm", "Nand", "Narb", "Nbat", "Newa", "Nkoo", "Nshu", "Ogam", "Olck", "Onao",
  "Orkh", "Orya", "Osge", "Osma", "Ougr", "Palm", "Pauc", "Perm", "Phag", "Phli", "Phlp", "Phnx",
  "Plrd", "Prti", "Rjng", "Rohg", "Runr", "Samr", "Sarb", "Saur", "Sgnw", "Shaw", "Shrd", "Sidd",
  "Sidt", "Sind", "Sinh", "Sogd", "Sogo", "Sora", "Soyo", "Sund", "Sunu", "Sylo", "Syrc", "Tagb",
  "Takr", "Tale", "Talu", "Taml", "Tang", "Tavt", "Tayo", "Telu", "Tfng", "Tglg", "Thaa", "Thai",
  "Tibt", "Tirh", "Tnsa", "Todr", "Tols", "Toto", "Tutg", "Ugar", "Vaii", "Vith", "Wara", "Wcho",
  "Xpeo", "Xsux", "Yezi", "Yiii", "Zanb",
] as const;

type Script = string;

let scripts: Map<Script, RegExp> | undefined;

/** The scripts this engine knows, by alias, built on first use. */
function knownScripts(): Map<Script, RegExp> {
  return (scripts ??= new Map(
    SCRIPT_ALIASES.flatMap((alias) => {
      try {
        return [[alias, new RegExp(`\\p{scx=${alias}}`, "u")] as const];
      } catch {
        return []; // an engine older than this script
      }
    }),
  ));
}

/** Characters whose Script_Extensions is Common or Inherited alone: they fit any script. */
const ANY_SCRIPT = /^[\p{scx=Zyyy}\p{scx=Zinh}]$/u;
/** The fast path: a name of Latin and any-script characters only. */
const LATIN_ONLY = /^[\p{scx=Latn}\p{scx=Zyyy}\p{scx=Zinh}]*$/u;

/**
 * UTS #39 §5.1 augmented script sets: Han, kana, Hangul and Bopomofo also count as the
 * writing systems they are used in (Jpan, Kore, Hanb), so Japanese mixing Han, Hiragana and
 * Katakana is one script. Here: each writing system, and the scripts that are part of it.
 */
const WRITING_SYSTEMS: Record<Script, readonly Script[]> = {
  Jpan: ["Hani", "Hira", "Kana"],
  Kore: ["Hani", "Hang"],
  Hanb: ["Hani", "Bopo"],
};

/** The Highly Restrictive level's covers besides a single script (UTS #39 §5.2). */
const HIGHLY_RESTRICTIVE_COVERS: readonly (readonly Script[])[] = [
  ["Latn", "Jpan"],
  ["Latn", "Hanb"],
  ["Latn", "Kore"],
];

/** Whether `script` (or writing system) is in the augmented Script_Extensions of `char`. */
function isIn(char: string, script: Script): boolean {
  const parts = WRITING_SYSTEMS[script];
  if (parts) return parts.some((part) => isIn(char, part));
  return knownScripts().get(script)?.test(char) ?? false;
}

/** The augmented Script_Extensions of one character (one that does not fit any script). */
function scriptsOf(char: string): Script[] {
  const found = [...knownScripts().keys()].filter((script) => isIn(char, script));
  for (const [system, parts] of Object.entries(WRITING_SYSTEMS)) if (parts.some((part) => found.includes(part))) found.push(system);
  return found;
}

/**
 * True when `name` passes UTS #39's Highly Restrictive level: its resolved script set (the
 * intersection of its characters' augmented sets) is not empty, or one of the CJK covers
 * above has a script of every character. The set is narrowed character by character, so only
 * the first character is tested against every script.
 */
export function isHighlyRestrictive(name: string): boolean {
  if (LATIN_ONLY.test(name)) return true;
  const chars = [...new Set(name)].filter((char) => !ANY_SCRIPT.test(char));
  let resolved: Script[] | undefined;
  for (const char of chars) {
    resolved = resolved === undefined ? scriptsOf(char) : resolved.filter((script) => isIn(char, script));
    if (resolved.length === 0) break;
  }
  if (resolved === undefined || resolved.length > 0) return true;
  return HIGHLY_RESTRICTIVE_COVERS.some((cover) => chars.every((char) => cover.some((script) => isIn(char, script))));
}

const DECIMAL_DIGIT = /\p{Nd}/u;

/**
 * The code point of the zero of `digit`'s numbering system. Unicode encodes every system's
 * decimal digits as a contiguous 0–9 run, and adjacent runs (the mathematical digits) are
 * whole runs, so the zero is found by counting back to the start of the run of digits.
 */
export function digitZero(digit: number): number {
  let start = digit;
  while (start > 0 && DECIMAL_DIGIT.test(String.fromCodePoint(start - 1))) start--;
  return start + Math.floor((digit - start) / 10) * 10;
}

/** UTS #39 §5.3 mixed-number detection: true when the decimal digits come from two systems. */
export function hasMixedNumbers(name: string): boolean {
  let zero: number | undefined;
  for (const char of name) {
    if (!DECIMAL_DIGIT.test(char)) continue;
    const own = digitZero(char.codePointAt(0)!);
    if (zero !== undefined && own !== zero) return true;
    zero = own;
  }
  return false;
}

/** The numbering system `name` already writes digits in (its zero), or undefined. */
export function numberingOf(name: string): number | undefined {
  for (const char of name) if (DECIMAL_DIGIT.test(char)) return digitZero(char.codePointAt(0)!);
  return undefined;
}
