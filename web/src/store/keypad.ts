/** Appends a keypad key to the typed amount, keeping at most the currency's decimals. */
export function typeKey(current: string, key: string, decimals: number): string {
  if (key === "⌫") return current.slice(0, -1);
  if (key === ".") return decimals === 0 || current.includes(".") ? current : `${current || "0"}.`;
  const [, fraction] = current.split(".");
  if (fraction !== undefined && fraction.length >= decimals) return current;
  if (current === "0") return key;
  return current.length >= 15 ? current : current + key;
}
