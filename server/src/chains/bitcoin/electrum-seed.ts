/**
 * Electrum's own seed format (Electrum 2.0 and later, also Electrum-LTC): the seed version is carried by the
 * HMAC-SHA512 of the normalised phrase (key "Seed version"), and the BIP-32 seed is PBKDF2-HMAC-SHA512 of the
 * phrase with salt "electrum" + passphrase, 2048 rounds. Words are not tied to a word list.
 */
import { hmac } from "@noble/hashes/hmac.js";
import { pbkdf2 } from "@noble/hashes/pbkdf2.js";
import { sha512 } from "@noble/hashes/sha2.js";
import { bytesToHex, utf8ToBytes } from "@noble/hashes/utils.js";

/** Seed versions as Electrum names them; Till can use "standard" and "segwit". */
export type ElectrumSeedType = "standard" | "segwit" | "2fa" | "2fa_segwit";

/** Hex prefixes of HMAC-SHA512("Seed version", phrase) that mark each version. */
const SEED_PREFIXES: readonly [ElectrumSeedType, string][] = [
  ["standard", "01"],
  ["segwit", "100"],
  ["2fa", "101"],
  ["2fa_segwit", "102"],
];

// Unicode blocks Electrum treats as CJK: whitespace between two such characters is dropped.
const CJK_RANGES: readonly [number, number][] = [
  [0x4e00, 0x9fff], // CJK Unified Ideographs
  [0x3400, 0x4dbf], // Extension A
  [0x20000, 0x2a6df], // Extension B
  [0x2a700, 0x2b73f], // Extension C
  [0x2b740, 0x2b81f], // Extension D
  [0xf900, 0xfaff], // CJK Compatibility Ideographs
  [0x2f800, 0x2fa1d], // CJK Compatibility Ideographs Supplement
  [0x3190, 0x319f], // Kanbun
  [0x2e80, 0x2eff], // CJK Radicals Supplement
  [0x2f00, 0x2fdf], // CJK Radicals
  [0x31c0, 0x31ef], // CJK Strokes
  [0x2ff0, 0x2fff], // Ideographic Description Characters
  [0xe0100, 0xe01ef], // Variation Selectors Supplement
  [0x3100, 0x312f], // Bopomofo
  [0x31a0, 0x31bf], // Bopomofo Extended
  [0xff00, 0xffef], // Halfwidth and Fullwidth Forms
  [0x3040, 0x309f], // Hiragana
  [0x30a0, 0x30ff], // Katakana
  [0x31f0, 0x31ff], // Katakana Phonetic Extensions
  [0x1b000, 0x1b0ff], // Kana Supplement
  [0xac00, 0xd7af], // Hangul Syllables
  [0x1100, 0x11ff], // Hangul Jamo
  [0xa960, 0xa97f], // Hangul Jamo Extended A
  [0xd7b0, 0xd7ff], // Hangul Jamo Extended B
  [0x3130, 0x318f], // Hangul Compatibility Jamo
  [0xa4d0, 0xa4ff], // Lisu
  [0x16f00, 0x16f9f], // Miao
  [0xa000, 0xa48f], // Yi Syllables
  [0xa490, 0xa4cf], // Yi Radicals
];

const isCjk = (char: string) => {
  const code = char.codePointAt(0)!;
  return CJK_RANGES.some(([low, high]) => code >= low && code <= high);
};

/** Python's str.isspace(), which Electrum's str.split() uses to separate words. */
function isPythonSpace(char: string): boolean {
  const code = char.codePointAt(0)!;
  return (
    (code >= 0x09 && code <= 0x0d) ||
    (code >= 0x1c && code <= 0x20) ||
    code === 0x85 ||
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000
  );
}

const combiningCache = new Map<string, boolean>();

/**
 * Whether a (fully decomposed) code point has a non-zero canonical combining class, like Python's
 * unicodedata.combining(). JavaScript exposes no combining classes, so it is read off canonical reordering:
 * NFD moves a mark with class c below a neighbouring mark with a higher class. U+0301 has class 230 and U+0334
 * class 1; a class of 1…229 shows against the first, a class of 2…240 against the second.
 */
function isCombining(char: string): boolean {
  let result = combiningCache.get(char);
  if (result === undefined) {
    const before = `\u0301${char}`;
    const after = `${char}\u0334`;
    result = before.normalize("NFD") !== before || after.normalize("NFD") !== after;
    combiningCache.set(char, result);
  }
  return result;
}

/**
 * Electrum's text normalisation, applied to the phrase and the passphrase alike: NFKD, lower case, combining
 * marks removed, runs of whitespace collapsed to one space, and spaces between CJK characters removed.
 */
export function normalizeElectrumText(text: string): string {
  const lowered = text.normalize("NFKD").toLowerCase();
  const words: string[] = [];
  let word = "";
  for (const char of lowered) {
    if (isCombining(char)) continue;
    if (isPythonSpace(char)) {
      if (word) words.push(word);
      word = "";
    } else {
      word += char;
    }
  }
  if (word) words.push(word);
  const joined = words.join(" ");
  const chars = Array.from(joined);
  return chars
    .filter(
      (char, i) => !(char === " " && i > 0 && i < chars.length - 1 && isCjk(chars[i - 1]!) && isCjk(chars[i + 1]!)),
    )
    .join("");
}

/** The version of an Electrum seed phrase, or null when the phrase is not a (new-style) Electrum seed. */
export function electrumSeedType(phrase: string): ElectrumSeedType | null {
  const normalized = normalizeElectrumText(phrase);
  if (normalized.length === 0) return null;
  const digest = bytesToHex(hmac(sha512, utf8ToBytes("Seed version"), utf8ToBytes(normalized)));
  for (const [type, prefix] of SEED_PREFIXES) if (digest.startsWith(prefix)) return type;
  return null;
}

/** The 64-byte BIP-32 seed of an Electrum phrase and optional passphrase (both normalised the Electrum way). */
export function electrumSeedToBip32Seed(phrase: string, passphrase = ""): Uint8Array {
  const password = utf8ToBytes(normalizeElectrumText(phrase));
  const salt = utf8ToBytes(`electrum${normalizeElectrumText(passphrase)}`);
  return pbkdf2(sha512, password, salt, { c: 2048, dkLen: 64 });
}

/**
 * Whether the text has the shape of a seed from Electrum before 2.0 ("old" seeds): Till cannot tell old word
 * seeds apart without Electrum's old word list, so this only recognises their hexadecimal form.
 */
export function looksLikeOldElectrumHexSeed(text: string): boolean {
  const trimmed = text.trim();
  return /^[0-9a-fA-F]+$/.test(trimmed) && (trimmed.length === 32 || trimmed.length === 64);
}
