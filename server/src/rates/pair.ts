/** A currency pair `BASE_QUOTE`: how many QUOTE one BASE is worth (BTC_USD = 50000 means 1 BTC = 50000 USD). */
export interface Pair {
  readonly base: string;
  readonly quote: string;
}

/** Currency codes as rules and providers write them: letters and digits, upper case. `X` is the rules' wildcard. */
const CODE = /^[A-Z0-9]{1,12}$/;

export const WILDCARD = "X";

export function isCurrencyCode(code: string): boolean {
  return CODE.test(code);
}

/** `btc_usd`, `BTC_USD` → `{base: "BTC", quote: "USD"}`; null for anything else. */
export function parsePair(text: string): Pair | null {
  const parts = text.trim().toUpperCase().split("_");
  if (parts.length !== 2) return null;
  const [base, quote] = parts as [string, string];
  return isCurrencyCode(base) && isCurrencyCode(quote) ? { base, quote } : null;
}

export const pair = (base: string, quote: string): Pair => ({ base: base.toUpperCase(), quote: quote.toUpperCase() });

export const pairKey = (p: Pair): string => `${p.base}_${p.quote}`;

export const inverse = (p: Pair): Pair => ({ base: p.quote, quote: p.base });

export const hasWildcard = (p: Pair): boolean => p.base === WILDCARD || p.quote === WILDCARD;

/** Replaces the `X` sides of a rule's pair with the sides of the pair being resolved. */
export const bindWildcards = (p: Pair, target: Pair): Pair => ({
  base: p.base === WILDCARD ? target.base : p.base,
  quote: p.quote === WILDCARD ? target.quote : p.quote,
});
