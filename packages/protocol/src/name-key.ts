/**
 * Comparison keys of a user name: two names that look alike to a person share a key, so the
 * server keeps names unique by key instead of by code points.
 */
import unhomoglyph from "unhomoglyph";

/**
 * The keys of `name`, opaque strings; two names look alike when they share one.
 *
 * Each key is: NFKC (fullwidth `ａ`, mathematical `𝐚` and `𝟏`, ligatures and superscripts
 * meet their plain letters), then a full case fold, then the UTS #39 skeleton (`skeleton`).
 * There are two because confusables.txt relates shapes, and a letter's small and capital
 * shapes are confusable with different things: folded to small letters, Cyrillic `аре` meets
 * `ape`; folded to capitals, Cyrillic `ВОВ` meets `BOB`, and `b0b` meets `BOB` too (`0` looks
 * like `O`, not `o`). Both folds make `ALICE` meet `alice`. One key folding both ways in turn
 * would chain `i` → `I` → `l` and make `alice` meet `allce`.
 *
 * The keys are only compared, never shown (`m` becomes `rn`).
 */
export function usernameKeys(name: string): readonly [string, string] {
  const [small, capital] = keyBodies(name);
  return [`small:${small}`, `capital:${capital}`];
}

/**
 * `usernameKeys` of `prefix` followed by a number written in the digits whose zero is `zero`,
 * for many numbers after one prefix without redoing the prefix: what the renaming loop needs
 * to try number after number cheaply. `number` is the number in ASCII digits. Exact, because
 * every step works character by character around a decimal digit: NFKC and NFD never compose
 * or reorder a digit with what comes before it, digits have no case, and the one context rule
 * of case mapping (final sigma) treats a following digit like the end of the string.
 */
export function numberedKeys(prefix: string, zero: number): (number: string) => readonly [string, string] {
  const [small, capital] = keyBodies(prefix);
  const digits = Array.from({ length: 10 }, (_, value) => keyBodies(String.fromCodePoint(zero + value)));
  return (number) => {
    let smallKey = `small:${small}`;
    let capitalKey = `capital:${capital}`;
    for (let i = 0; i < number.length; i++) {
      const [smallDigit, capitalDigit] = digits[number.charCodeAt(i) - 0x30]!;
      smallKey += smallDigit;
      capitalKey += capitalDigit;
    }
    return [smallKey, capitalKey];
  };
}

function keyBodies(name: string): readonly [string, string] {
  const compatible = name.normalize("NFKC");
  return [stableSkeleton(smallFold(compatible)), stableSkeleton(capitalFold(compatible))];
}

/**
 * UTS #39 §4 skeleton: NFD, each character replaced by its prototype from Unicode's
 * confusables.txt (the `unhomoglyph` package: that file, Unicode 13.0, as a map from one code
 * point to its prototype), NFD again.
 */
export function skeleton(text: string): string {
  return unhomoglyph(text.normalize("NFD")).normalize("NFD");
}

/**
 * Some prototypes have prototypes themselves (`Ҋ` → `й̦` → `ᴎ̦̆`): repeat until stable, so
 * look-alikes of look-alikes meet. Every allowed character is stable within two rounds (a test
 * checks); the bound only guards against a future data file.
 */
function stableSkeleton(text: string): string {
  for (let round = 0; round < MAX_SKELETON_ROUNDS; round++) {
    const next = skeleton(text);
    if (next === text) break;
    text = next;
  }
  return text;
}

const MAX_SKELETON_ROUNDS = 4;

/**
 * Full case folding as JavaScript can do it (it has no `casefold`): lower, upper, lower. The
 * upper step expands `ß` and `ẞ` to `SS` and maps `ς` and `ſ` to `Σ` and `S`, as Unicode's
 * CaseFolding.txt does, so every case variant of a string ends up the same. Locale-free.
 */
export function smallFold(text: string): string {
  return capitalFold(text).toLowerCase();
}

/** The same fold, ending in capitals. */
export function capitalFold(text: string): string {
  return text.toLowerCase().toUpperCase();
}
