import Big from "big.js";

/** Exact decimals for prices and fiat. Never a JS float: every amount passes through here as a string. */
Big.DP = 40;
Big.RM = Big.roundHalfEven;

export { Big };

const DECIMAL = /^-?(\d+(\.\d*)?|\.\d+)$/;

/** Beyond this magnitude a value is no amount, and writing it out (`1e999999999`) would exhaust memory. */
const MAX_EXPONENT = 1000;

export function isDecimalString(value: string): boolean {
  return DECIMAL.test(value.trim());
}

/** Parses a decimal from a string or a JSON number (JSON numbers are read as their shortest decimal text). */
export function parseDecimal(value: string | number): Big | null {
  const text = typeof value === "number" ? (Number.isFinite(value) ? String(value) : "") : value.trim();
  if (!DECIMAL.test(text) && !/^-?\d+(\.\d+)?e[-+]?\d+$/i.test(text)) return null;
  try {
    const parsed = new Big(text);
    return Math.abs(parsed.e) > MAX_EXPONENT ? null : parsed;
  } catch {
    return null;
  }
}

/** Rounds half-even to `places` and prints without exponent, keeping exactly `places` decimals. */
export function formatDecimal(value: Big, places: number): string {
  return value.round(places, Big.roundHalfEven).toFixed(places);
}

/** Canonical text for storage: no exponent, no trailing zeros. */
export function normalizeDecimal(value: Big): string {
  const fixed = value.toFixed();
  return fixed.includes(".") ? fixed.replace(/0+$/, "").replace(/\.$/, "") : fixed;
}
