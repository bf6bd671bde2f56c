/**
 * Decimal amounts as strings, computed in bigint units of a fixed scale: never a float, so 0.1 + 0.2 is 0.3.
 */
const DECIMAL = /^(-?)(\d*)(?:\.(\d*))?$/;

/** The amount in units of 10^-scale (rounded half up past the scale); null when the text is not a decimal. */
export function toUnits(text: string, scale: number): bigint | null {
  const match = DECIMAL.exec(text.trim());
  if (!match || (match[2] === "" && !match[3])) return null;
  const [, sign, whole = "", fraction = ""] = match;
  const kept = fraction.slice(0, scale).padEnd(scale, "0");
  let units = BigInt((whole || "0") + kept);
  if ((fraction[scale] ?? "0") >= "5") units += 1n;
  return sign === "-" ? -units : units;
}

/** Units back to a decimal string with exactly `scale` decimals. */
export function fromUnits(units: bigint, scale: number): string {
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(scale + 1, "0");
  const whole = digits.slice(0, digits.length - scale);
  const fraction = scale > 0 ? `.${digits.slice(digits.length - scale)}` : "";
  return `${negative ? "-" : ""}${whole}${fraction}`;
}

/** A decimal string without trailing zeros after the point ("0.15000000" → "0.15", "12.00" → "12"). */
export function trimZeros(text: string): string {
  return text.includes(".") ? text.replace(/0+$/, "").replace(/\.$/, "") : text;
}

/** Sum of decimal strings at a scale. */
export function sum(values: string[], scale: number): string {
  return fromUnits(
    values.reduce((total, value) => total + (toUnits(value, scale) ?? 0n), 0n),
    scale,
  );
}

/** amount × quantity. */
export function times(amount: string, quantity: number, scale: number): string {
  return fromUnits((toUnits(amount, scale) ?? 0n) * BigInt(quantity), scale);
}

/** amount × percent / 100, rounded half up at the scale; percent is itself a decimal string. */
export function percentOf(amount: string, percent: string, scale: number): string {
  const units = toUnits(amount, scale) ?? 0n;
  const hundredths = toUnits(percent, 2) ?? 0n;
  const scaled = units * hundredths;
  const rounded = (scaled + (scaled >= 0n ? 5000n : -5000n)) / 10000n;
  return fromUnits(rounded, scale);
}

/** Difference a - b. */
export function minus(a: string, b: string, scale: number): string {
  return fromUnits((toUnits(a, scale) ?? 0n) - (toUnits(b, scale) ?? 0n), scale);
}

export function isPositive(text: string, scale: number): boolean {
  return (toUnits(text, scale) ?? 0n) > 0n;
}

/** Groups the whole part by the locale's separator, keeping every digit of the string as it is. */
export function formatAmount(text: string, locale: string): string {
  const match = DECIMAL.exec(text);
  if (!match) return text;
  const [, sign, whole = "0", fraction] = match;
  const parts = new Intl.NumberFormat(locale).formatToParts(1234.5);
  const group = parts.find((p) => p.type === "group")?.value ?? ",";
  const point = parts.find((p) => p.type === "decimal")?.value ?? ".";
  const grouped = (whole || "0").replace(/\B(?=(\d{3})+(?!\d))/g, group);
  return `${sign}${grouped}${fraction ? point + fraction : ""}`;
}

/**
 * An amount with its currency placed as the reader's language places it ("$8.00", "8,00 $"), the digits kept
 * exactly as given. Codes that are not currency codes to Intl (e.g. SATS) are written after the amount.
 */
export function formatMoney(amount: string, code: string, symbol: string, locale: string): string {
  const grouped = formatAmount(amount, locale);
  try {
    const parts = new Intl.NumberFormat(locale, { style: "currency", currency: code }).formatToParts(1);
    const currencyIndex = parts.findIndex((p) => p.type === "currency");
    const numberIndex = parts.findIndex((p) => p.type === "integer");
    if (currencyIndex >= 0 && currencyIndex < numberIndex) {
      const gap = parts[currencyIndex + 1]?.type === "literal" ? "\u00a0" : "";
      return `${symbol}${gap}${grouped}`;
    }
  } catch {
    // Not an ISO 4217 code.
  }
  return `${grouped}\u00a0${symbol}`;
}
