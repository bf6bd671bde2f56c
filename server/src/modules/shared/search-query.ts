/**
 * Bitcart's search syntax, parsed purely: whitespace-separated words; `key:value` words are filters
 * (several values for one key are ORed); `"quoted"` words are free text even with a colon; the rest is
 * free text. `start_date:` / `end_date:` take `-<n><h|d|w|m|y>` (m = 30 days, y = 360 days) or an ISO date.
 */
export interface SearchQuery {
  text: string;
  filters: Map<string, string[]>;
  startDate: Date | null;
  endDate: Date | null;
}

const RELATIVE = /^-(\d+)([hdwmy])$/;
const HOURS_PER_UNIT: Record<string, number> = { h: 1, d: 24, w: 24 * 7, m: 24 * 30, y: 24 * 360 };

export function parseSearchQuery(query: string, now: Date = new Date()): SearchQuery {
  const text: string[] = [];
  const filters = new Map<string, string[]>();
  for (const word of query.split(/\s+/).filter(Boolean)) {
    const quoted = word.length >= 2 && word.startsWith('"') && word.endsWith('"');
    const colon = word.indexOf(":");
    if (!quoted && colon > 0) {
      const key = filterKey(word.slice(0, colon));
      const values = filters.get(key) ?? [];
      values.push(word.slice(colon + 1));
      filters.set(key, values);
    } else {
      text.push(quoted ? word.slice(1, -1) : word);
    }
  }
  filters.delete("created");
  const startDate = takeDate(filters, "start_date", now);
  const endDate = takeDate(filters, "end_date", now);
  return { text: text.join(" "), filters, startDate, endDate };
}

/** Field names are case-insensitive; a metadata key keeps its case, as JSON keys are case-sensitive. */
function filterKey(raw: string): string {
  const lower = raw.toLowerCase();
  return lower.startsWith("metadata.") ? `metadata.${raw.slice("metadata.".length)}` : lower;
}

function takeDate(filters: Map<string, string[]>, key: string, now: Date): Date | null {
  const value = filters.get(key)?.[0];
  filters.delete(key);
  if (!value) return null;
  const relative = RELATIVE.exec(value);
  if (relative) {
    const hours = Number(relative[1]) * HOURS_PER_UNIT[relative[2]!]!;
    const date = new Date(now.getTime() - hours * 3_600_000);
    return Number.isNaN(date.getTime()) ? null : date;
  }
  if (!/^\d{4}-\d{2}-\d{2}/.test(value)) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}
