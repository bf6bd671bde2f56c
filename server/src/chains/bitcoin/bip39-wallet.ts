/**
 * BIP-39 mnemonics (English word list) and the BIP-44/49/84/86 account paths derived from them.
 */
import { mnemonicToSeedSync, validateMnemonic } from "@scure/bip39";
import { wordlist as english } from "@scure/bip39/wordlists/english.js";
import { HARDENED_OFFSET } from "./extended-keys.ts";
import type { Bip43Purpose } from "./script-types.ts";

const VALID_LENGTHS = new Set([12, 15, 18, 21, 24]);
const ENGLISH = new Set(english);

export interface Bip39Check {
  /** Lower-cased words separated by single spaces: the form whose seed is standard. */
  normalized: string;
  words: string[];
  /** Words that are not in the English list. */
  unknownWords: string[];
  /** The word count is one BIP-39 allows. */
  lengthOk: boolean;
  /** Every word is known, the length is allowed and the checksum matches. */
  valid: boolean;
}

/** Reads a phrase as a BIP-39 mnemonic, tolerating case and extra whitespace. */
export function checkBip39Mnemonic(phrase: string): Bip39Check {
  const words = phrase.normalize("NFKD").toLowerCase().trim().split(/\s+/u).filter(Boolean);
  const normalized = words.join(" ");
  const unknownWords = words.filter((word) => !ENGLISH.has(word));
  const lengthOk = VALID_LENGTHS.has(words.length);
  const valid = lengthOk && unknownWords.length === 0 && validateMnemonic(normalized, english);
  return { normalized, words, unknownWords, lengthOk, valid };
}

/** The 64-byte BIP-32 seed of a mnemonic (already normalised by checkBip39Mnemonic) and passphrase. */
export function bip39ToSeed(normalizedMnemonic: string, passphrase = ""): Uint8Array {
  return mnemonicToSeedSync(normalizedMnemonic, passphrase);
}

/** Child indices of the account node `m/purpose'/coin_type'/account'`. */
export function bip39AccountPath(purpose: Bip43Purpose, coinType: number, account: number): number[] {
  return [purpose + HARDENED_OFFSET, coinType + HARDENED_OFFSET, account + HARDENED_OFFSET];
}
