const ISO_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/** Seconds below this are seconds since the epoch, above it milliseconds (pydantic's rule, which Bitcart uses). */
const MS_THRESHOLD = 2e10;

/**
 * Reads an ISO-8601 date or date-time (`T` or space separated, optional fraction and offset; no offset means
 * UTC) or a Unix timestamp. Impossible dates such as February 30 are refused, not rolled over.
 */
export function parseDateTime(value: string | number): Date | null {
  if (typeof value === "number") {
    if (!Number.isFinite(value)) return null;
    const date = new Date(Math.abs(value) < MS_THRESHOLD ? value * 1000 : value);
    return Number.isNaN(date.getTime()) ? null : date;
  }
  const match = ISO_DATE_TIME.exec(value.trim());
  if (!match) return null;
  const [, y, mo, d, h = "0", mi = "0", s = "0", fraction = "", zone = "Z"] = match;
  const parts = [Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)] as const;
  const ms = Number(fraction.padEnd(3, "0").slice(0, 3));
  const local = Date.UTC(parts[0], parts[1], parts[2], parts[3], parts[4], parts[5], ms);
  const check = new Date(local);
  if (
    check.getUTCFullYear() !== parts[0] ||
    check.getUTCMonth() !== parts[1] ||
    check.getUTCDate() !== parts[2] ||
    check.getUTCHours() !== parts[3] ||
    check.getUTCMinutes() !== parts[4] ||
    check.getUTCSeconds() !== parts[5]
  ) {
    return null;
  }
  const offset = zoneOffsetMinutes(zone);
  if (offset === null) return null;
  const date = new Date(local - offset * 60_000);
  return Number.isNaN(date.getTime()) ? null : date;
}

function zoneOffsetMinutes(zone: string): number | null {
  if (zone.toUpperCase() === "Z") return 0;
  const digits = zone.slice(1).replace(":", "");
  const hours = Number(digits.slice(0, 2));
  const minutes = digits.length > 2 ? Number(digits.slice(2)) : 0;
  if (hours > 23 || minutes > 59) return null;
  return (zone[0] === "-" ? -1 : 1) * (hours * 60 + minutes);
}
