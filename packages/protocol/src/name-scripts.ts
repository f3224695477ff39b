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

let scripts: { alias: Script; pattern: RegExp }[] | undefined;

/** The scripts this engine knows, built on first use. */
function knownScripts(): { alias: Script; pattern: RegExp }[] {
  return (scripts ??= SCRIPT_ALIASES.flatMap((alias) => {
    try {
      return [{ alias, pattern: new RegExp(`\\p{scx=${alias}}`, "u") }];
    } catch {
      return []; // an engine older than this script
    }
  }));
}

/** Characters whose Script_Extensions is Common or Inherited alone: they fit any script. */
const ANY_SCRIPT = /^[\p{scx=Zyyy}\p{scx=Zinh}]$/u;
/** The fast path: a name of Latin and any-script characters only. */
const LATIN_ONLY = /^[\p{scx=Latn}\p{scx=Zyyy}\p{scx=Zinh}]*$/u;

/**
 * UTS #39 §5.1 augmented script sets: Han, kana, Hangul and Bopomofo also count as the
 * writing systems they are used in (Jpan, Kore, Hanb), so Japanese mixing Han, Hiragana and
 * Katakana is one script.
 */
const AUGMENTED: Record<Script, readonly Script[]> = {
  Hani: ["Hanb", "Jpan", "Kore"],
  Hira: ["Jpan"],
  Kana: ["Jpan"],
  Hang: ["Kore"],
  Bopo: ["Hanb"],
};

/** The Highly Restrictive level's covers besides a single script (UTS #39 §5.2). */
const HIGHLY_RESTRICTIVE_COVERS: readonly (readonly Script[])[] = [
  ["Latn", "Jpan"],
  ["Latn", "Hanb"],
  ["Latn", "Kore"],
];

/** The augmented Script_Extensions of one character, or undefined when it fits any script. */
function scriptsOf(char: string): Set<Script> | undefined {
  if (ANY_SCRIPT.test(char)) return undefined;
  const found = new Set<Script>();
  for (const { alias, pattern } of knownScripts()) {
    if (!pattern.test(char)) continue;
    found.add(alias);
    for (const extra of AUGMENTED[alias] ?? []) found.add(extra);
  }
  return found;
}

/**
 * True when `name` passes UTS #39's Highly Restrictive level: its resolved script set is not
 * empty (one script), or one of the CJK covers above covers every character.
 */
export function isHighlyRestrictive(name: string): boolean {
  if (LATIN_ONLY.test(name)) return true;
  const sets = [...new Set(name)].map(scriptsOf).filter((set) => set !== undefined);
  const covers = (cover: readonly Script[]) => sets.every((set) => cover.some((script) => set.has(script)));
  const [first, ...rest] = sets;
  const singleScript = first === undefined || [...first].some((script) => rest.every((set) => set.has(script)));
  return singleScript || HIGHLY_RESTRICTIVE_COVERS.some(covers);
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
