export interface DateFilter {
  /** "" = any time, a relative API value (`-1d`) or "custom". */
  preset: string;
  from?: string;
  to?: string;
}

const PRESETS = [
  { value: "", label: "Any time" },
  { value: "-1d", label: "Last 24 hours" },
  { value: "-1w", label: "Last week" },
  { value: "-1m", label: "Last month" },
  { value: "custom", label: "Custom range" },
];

/** The filter as words of the API's search syntax (`start_date:-1w`, `end_date:2026-01-31`). */
export function dateQuery(filter: DateFilter): string {
  if (filter.preset === "custom") {
    return [
      filter.from ? `start_date:${filter.from}` : "",
      // The end date is inclusive for a person picking a day: the filter ends at the next midnight.
      filter.to ? `end_date:${nextDay(filter.to)}` : "",
    ]
      .filter(Boolean)
      .join(" ");
  }
  return filter.preset ? `start_date:${filter.preset}` : "";
}

function nextDay(day: string): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + 1);
  return date.toISOString().slice(0, 10);
}

export function DateFilterPicker({ value, onChange }: { value: DateFilter; onChange: (value: DateFilter) => void }) {
  return (
    <span className="date-filter">
      <select aria-label="Created" value={value.preset} onChange={(e) => onChange({ preset: e.target.value })}>
        {PRESETS.map((p) => (
          <option key={p.value} value={p.value}>
            {p.label}
          </option>
        ))}
      </select>
      {value.preset === "custom" && (
        <>
          <input
            type="date"
            aria-label="From"
            value={value.from ?? ""}
            onChange={(e) => onChange({ ...value, from: e.target.value })}
          />
          <input
            type="date"
            aria-label="To"
            value={value.to ?? ""}
            onChange={(e) => onChange({ ...value, to: e.target.value })}
          />
        </>
      )}
    </span>
  );
}
