/**
 * Exact amounts from Bitcoin Core's JSON. Core prints amounts as decimal number literals (`0.00012345`); JSON.parse
 * would turn them into binary floats before any reviver sees them. These helpers work on the raw response text.
 */

/**
 * Parses JSON text, turning every number literal into its exact source text (a string). Callers that know a field is
 * an amount convert it with {@link decimalToBaseUnits}; other numbers can be read with `Number(text)`.
 */
export function parseJsonNumbersAsText(text: string): unknown {
  let out = "";
  let last = 0;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      // Skip a string literal, honouring escapes.
      i++;
      while (i < n) {
        const d = text.charCodeAt(i);
        if (d === 0x5c /* \ */) i += 2;
        else if (d === 0x22) {
          i++;
          break;
        } else i++;
      }
      continue;
    }
    if (c === 0x2d /* - */ || (c >= 0x30 && c <= 0x39)) {
      let j = i + 1;
      while (j < n) {
        const d = text.charCodeAt(j);
        const numeric = (d >= 0x30 && d <= 0x39) || d === 0x2e || d === 0x2d || d === 0x2b || d === 0x65 || d === 0x45;
        if (!numeric) break;
        j++;
      }
      out += `${text.slice(last, i)}"${text.slice(i, j)}"`;
      last = j;
      i = j;
      continue;
    }
    i++;
  }
  out += text.slice(last);
  return JSON.parse(out);
}

const DECIMAL_LITERAL = /^(-)?(\d+)(?:\.(\d+))?(?:[eE]([-+]?\d+))?$/;

/**
 * Converts a decimal coin amount (`"0.00012345"`, `"1"`, `"1e-8"`) to integer base units with `decimals` places,
 * exactly. Throws when the text is not a decimal literal or has more precision than the unit allows.
 */
export function decimalToBaseUnits(text: string, decimals = 8): bigint {
  const match = DECIMAL_LITERAL.exec(text.trim());
  if (!match) throw new Error(`not a decimal amount: ${JSON.stringify(text)}`);
  const [, sign, whole, fraction = "", exponentText] = match;
  let digits = `${whole}${fraction}`;
  // value = digits * 10^(exponent - fraction.length); we want value * 10^decimals.
  let shift = decimals + Number(exponentText ?? 0) - fraction.length;
  if (shift < 0) {
    const dropped = digits.slice(Math.max(0, digits.length + shift));
    if (/[^0]/.test(dropped)) throw new Error(`amount ${text} has more than ${decimals} decimal places`);
    digits = digits.slice(0, Math.max(0, digits.length + shift)) || "0";
    shift = 0;
  }
  const value = BigInt(digits) * 10n ** BigInt(shift);
  return sign ? -value : value;
}
