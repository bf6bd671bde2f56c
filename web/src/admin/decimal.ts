/** Exact decimal sums for display: amounts arrive as strings and are added as scaled bigints, never floats. */
const SCALE = 8;

export function toUnits(value: string): bigint {
  const match = /^(-)?(\d*)(?:\.(\d*))?$/.exec(value.trim());
  if (!match) return 0n;
  const whole = match[2] || "0";
  const fraction = (match[3] ?? "").slice(0, SCALE).padEnd(SCALE, "0");
  const units = BigInt(whole) * 10n ** BigInt(SCALE) + BigInt(fraction || "0");
  return match[1] ? -units : units;
}

/** Units back to a decimal string with at most `places` decimals (truncated). */
export function fromUnits(units: bigint, places = 2): string {
  const negative = units < 0n;
  const abs = negative ? -units : units;
  const whole = abs / 10n ** BigInt(SCALE);
  const fraction = (abs % 10n ** BigInt(SCALE)).toString().padStart(SCALE, "0").slice(0, places);
  return `${negative ? "-" : ""}${whole}${places ? `.${fraction}` : ""}`;
}
