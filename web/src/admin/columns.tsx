import type { ColumnDef } from "@tanstack/react-table";
import type { ReactNode } from "react";
import type { Row } from "./api.ts";
import { Link } from "./router.tsx";

/** A plain text column on a server-sortable field. */
export const textColumn = (field: string, header: string, sortable = true): ColumnDef<Row> => ({
  id: field,
  header,
  enableSorting: sortable,
  cell: ({ row }) => formatCell(row.original[field]),
});

/** A column rendered by a function of the row. */
export const customColumn = (
  id: string,
  header: string,
  render: (row: Row) => ReactNode,
  sortable = false,
): ColumnDef<Row> => ({ id, header, enableSorting: sortable, cell: ({ row }) => render(row.original) });

/** The record's name linking to its own page. */
export const linkColumn = (field: string, header: string, to: (row: Row) => string): ColumnDef<Row> => ({
  id: field,
  header,
  cell: ({ row }) => <Link to={to(row.original)}>{formatCell(row.original[field])}</Link>,
});

export const createdColumn: ColumnDef<Row> = {
  id: "created",
  header: "Created",
  cell: ({ row }) => <time dateTime={String(row.original.created)}>{formatDate(row.original.created)}</time>,
};

export const statusBadge = (status: unknown) => (
  <span className={`badge badge-${String(status)}`}>{String(status)}</span>
);

export function formatDate(value: unknown): string {
  if (typeof value !== "string" || !value) return "";
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? value : date.toLocaleString();
}

export function formatCell(value: unknown): ReactNode {
  if (value === null || value === undefined) return "";
  if (typeof value === "boolean") return value ? "yes" : "no";
  if (Array.isArray(value)) return value.join(", ");
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}
