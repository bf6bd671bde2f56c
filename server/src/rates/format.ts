import { Big, parseDecimal } from "../kernel/money.ts";
import { COIN_DIVISIBILITY, fiatCurrency } from "./currencies.ts";

/** Rounds half-even (banker's rounding) to `places` decimals. */
export function roundHalfEven(value: Big, places: number): Big {
  return value.round(places, Big.roundHalfEven);
}

/** Decimals of an amount in `code`: ISO 4217 minor units for fiat, 8 for anything else (a coin). */
export function currencyDivisibility(code: string): number {
  return fiatCurrency(code)?.divisibility ?? COIN_DIVISIBILITY;
}

/** An amount rounded half-even to its currency's divisibility. */
export function roundToCurrency(value: Big, code: string): Big {
  return roundHalfEven(value, currencyDivisibility(code));
}

/** `1234567.5` with 2 places → `1,234,567.50`: rounded half-even, thousands grouped with commas. */
export function groupDigits(value: Big, places: number): string {
  const fixed = roundHalfEven(value, places).toFixed(places);
  const negative = fixed.startsWith("-");
  const [whole, fraction] = (negative ? fixed.slice(1) : fixed).split(".") as [string, string | undefined];
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  const text = fraction === undefined ? grouped : `${grouped}.${fraction}`;
  return negative && /[1-9]/.test(text) ? `-${text}` : text;
}

/**
 * Bitcart's `rate_str`: a fiat amount with its symbol, rounded to the currency's minor units:
 * `formatFiat("100000", "USD")` → `$100,000.00`, `formatFiat("1500", "JPY")` → `¥1,500`. A symbol made of
 * letters is set apart by a space (`CHF 12.50`); an unknown code is written after the amount (`12.50 XYZ`).
 */
export function formatFiat(amount: string | Big, code: string): string {
  const value = typeof amount === "string" ? parseDecimal(amount) : amount;
  if (!value) throw new RangeError(`Not a decimal amount: ${JSON.stringify(amount)}`);
  const currency = fiatCurrency(code);
  if (!currency) return `${groupDigits(value, COIN_DIVISIBILITY)} ${code.toUpperCase()}`;
  const digits = groupDigits(value, currency.divisibility);
  const negative = digits.startsWith("-");
  const magnitude = negative ? digits.slice(1) : digits;
  const spaced = /\p{L}$/u.test(currency.symbol);
  return `${negative ? "-" : ""}${currency.symbol}${spaced ? " " : ""}${magnitude}`;
}
