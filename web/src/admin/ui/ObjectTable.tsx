import { formatCell } from "../columns.tsx";

/** A read-only table of a list of objects whose shape is not fixed: one column per key seen. */
export function ObjectTable({ label, items }: { label: string; items: Record<string, unknown>[] }) {
  const keys = [...new Set(items.flatMap((item) => Object.keys(item)))];
  if (!items.length) return <p className="muted">Nothing to show.</p>;
  return (
    <div className="table-scroll">
      <table aria-label={label}>
        <thead>
          <tr>
            {keys.map((key) => (
              <th key={key}>{key.replace(/_/g, " ")}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {items.map((item, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: rows of a snapshot that is replaced as a whole
            <tr key={i}>
              {keys.map((key) => (
                <td key={key}>{formatCell(item[key])}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
