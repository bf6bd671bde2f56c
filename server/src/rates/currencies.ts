import { ISO_4217 } from "./iso4217.ts";

export interface FiatCurrency {
  code: string;
  /** ISO 4217 minor units: amounts in this currency are rounded to this many decimals. */
  divisibility: number;
  symbol: string;
}

/** Coins are priced and rounded to 8 decimals (satoshis, litoshis). */
export const COIN_DIVISIBILITY = 8;

const FIAT = new Map<string, FiatCurrency>(
  ISO_4217.map(([code, divisibility, symbol]) => [code, { code, divisibility, symbol }]),
);

const SORTED_CODES = [...FIAT.keys()].sort();

/** The ISO 4217 currency with this code (any case), or undefined. */
export function fiatCurrency(code: string): FiatCurrency | undefined {
  return FIAT.get(code.trim().toUpperCase());
}

export const isFiat = (code: string): boolean => fiatCurrency(code) !== undefined;

/** Every ISO 4217 code, sorted. */
export function fiatCodes(): readonly string[] {
  return SORTED_CODES;
}

/**
 * Codes starting with one of the prefixes (case-insensitive). `prefixes` is Bitcart's `query`: alternatives
 * separated by `|`, matched at the start of the code; an empty query lists everything.
 */
export function filterFiatCodes(query: string | undefined): string[] {
  const prefixes = (query ?? "")
    .split("|")
    .map((p) => p.trim().toUpperCase())
    .filter(Boolean);
  if (!prefixes.length) return [...SORTED_CODES];
  return SORTED_CODES.filter((code) => prefixes.some((prefix) => code.startsWith(prefix)));
}
