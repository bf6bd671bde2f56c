import { fromUnits, toUnits } from "../decimal.ts";

export interface Sale {
  created: string;
  price: string;
  currency: string;
}

const DAY = 86_400_000;

/** Sales per day over the last `days` days in the most used currency, as bars (inline SVG, no chart library). */
export function SalesChart({ sales, days = 30, now = new Date() }: { sales: Sale[]; days?: number; now?: Date }) {
  const byCurrency = new Map<string, number>();
  for (const sale of sales) byCurrency.set(sale.currency, (byCurrency.get(sale.currency) ?? 0) + 1);
  const currency = [...byCurrency.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? "";
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const buckets = Array.from({ length: days }, (_, i) => ({ day: new Date(today - (days - 1 - i) * DAY), total: 0n }));
  for (const sale of sales) {
    if (sale.currency !== currency) continue;
    const index = days - 1 - Math.floor((today - Date.parse(sale.created.slice(0, 10))) / DAY);
    if (index >= 0 && index < days) buckets[index]!.total += toUnits(sale.price);
  }
  const max = buckets.reduce((m, b) => (b.total > m ? b.total : m), 0n);
  const sum = buckets.reduce((s, b) => s + b.total, 0n);
  const width = 600;
  const height = 160;
  const bar = width / days;
  return (
    <figure className="chart">
      <figcaption>
        Sales over the last {days} days: {fromUnits(sum)} {currency}
      </figcaption>
      <svg
        viewBox={`0 0 ${width} ${height + 20}`}
        role="img"
        aria-label={`Daily sales in ${currency || "no currency"}`}
      >
        <line x1="0" y1={height} x2={width} y2={height} className="axis" />
        {buckets.map((b, i) => {
          // Pixel heights only: the ratio may be approximate, the totals shown as text are exact.
          const h = max > 0n ? (Number((b.total * 1000n) / max) / 1000) * (height - 10) : 0;
          return (
            <rect key={b.day.toISOString()} x={i * bar + 1} y={height - h} width={bar - 2} height={h} className="bar">
              <title>
                {b.day.toISOString().slice(0, 10)}: {fromUnits(b.total)} {currency}
              </title>
            </rect>
          );
        })}
        <text x="0" y={height + 15} className="tick">
          {buckets[0]?.day.toISOString().slice(5, 10)}
        </text>
        <text x={width} y={height + 15} textAnchor="end" className="tick">
          {buckets[days - 1]?.day.toISOString().slice(5, 10)}
        </text>
      </svg>
    </figure>
  );
}
