/** Fee rates as Electrum servers give them (`blockchain.estimatefee`: coins per kilobyte, a JSON number). */

/**
 * Converts a fee rate in coins per kB (the decimal text the server sent) to base units per vbyte: the decimal point
 * is moved in the text, which is then read once, so the result is the number nearest to the exact rate (no binary
 * floating-point arithmetic on the way). Null when the server has no estimate (-1) or the rate is zero.
 */
export function coinsPerKbToUnitsPerVbyte(text: string, decimals = 8): number | null {
  const match = /^(-)?(\d+)(?:\.(\d+))?(?:[eE]([-+]?\d+))?$/.exec(text.trim());
  if (!match) throw new TypeError(`not a decimal fee rate: ${JSON.stringify(text)}`);
  const [, sign, whole, fraction = "", exponent] = match;
  if (sign) return null;
  const digits = `${whole}${fraction}`.replace(/^0+/, "");
  if (digits === "") return null;
  // value = digits × 10^shift base units per vbyte (coins → base units: +decimals, per kB → per byte: −3).
  const shift = Number(exponent ?? 0) - fraction.length + decimals - 3;
  if (shift >= 0) return Number(`${digits}${"0".repeat(shift)}`);
  const padded = digits.padStart(-shift + 1, "0");
  return Number(`${padded.slice(0, shift)}.${padded.slice(shift)}`);
}
