import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import {
  type ColumnDef,
  flexRender,
  getCoreRowModel,
  type RowSelectionState,
  useReactTable,
} from "@tanstack/react-table";
import { Fragment, type ReactNode, useMemo, useState } from "react";
import { messageOf, type Page, type Row } from "./api.ts";
import { useApi } from "./session.tsx";
import { type DateFilter, DateFilterPicker, dateQuery } from "./ui/DateFilterPicker.tsx";

export interface BatchAction {
  command: string;
  label: string;
  danger?: boolean;
}

export interface DataTableProps {
  /** The collection path, e.g. `/wallets`. */
  path: string;
  /** Accessible name of the table. */
  title: string;
  columns: ColumnDef<Row>[];
  /** Values for a `status:` filter; none = no status filter. */
  statuses?: string[];
  /** Batch commands besides delete. */
  batch?: BatchAction[];
  /** Content of a row's expansion; none = rows do not expand. */
  expand?: (row: Row) => ReactNode;
  /** Buttons at the end of each row (edit, open…). */
  rowActions?: (row: Row) => ReactNode;
  /** Extra buttons in the toolbar (create, export…), given the selected ids. */
  toolbar?: (selected: string[]) => ReactNode;
  /** Extra list query parameters. */
  params?: Record<string, string>;
  pageSize?: number;
}

/**
 * The datatable every resource page uses: server-side pagination, search (the API's query syntax), date and
 * status filters, sorting, selection with batch commands and expandable rows.
 */
export function DataTable(props: DataTableProps) {
  const api = useApi();
  const client = useQueryClient();
  const [pageSize, setPageSize] = useState(props.pageSize ?? 10);
  const [offset, setOffset] = useState(0);
  const [search, setSearch] = useState("");
  const [status, setStatus] = useState("");
  const [dates, setDates] = useState<DateFilter>({ preset: "" });
  const [sort, setSort] = useState<{ column: string; desc: boolean }>({ column: "created", desc: true });
  const [selection, setSelection] = useState<RowSelectionState>({});
  const [expanded, setExpanded] = useState<Record<string, boolean>>({});
  const [error, setError] = useState("");

  const query = [search.trim(), status ? `status:${status}` : "", dateQuery(dates)].filter(Boolean).join(" ");
  const params = { offset, limit: pageSize, query, sort: sort.column, desc: sort.desc, ...props.params };
  const list = useQuery({
    queryKey: [props.path, "list", params],
    queryFn: () => api.get<Page<Row>>(props.path, { query: params }),
    placeholderData: keepPreviousData,
  });
  const rows = list.data?.result ?? [];
  const count = list.data?.count ?? 0;

  const batch = useMutation({
    mutationFn: (command: string) =>
      api.post(`${props.path}/batch`, { ids: Object.keys(selection).filter((id) => selection[id]), command }),
    onSuccess: () => {
      setSelection({});
      setError("");
      return client.invalidateQueries({ queryKey: [props.path] });
    },
    onError: (e) => setError(messageOf(e)),
  });

  const columns = useMemo<ColumnDef<Row>[]>(
    () => [
      {
        id: "select",
        enableSorting: false,
        header: ({ table }) => (
          <input
            type="checkbox"
            aria-label="Select all rows on this page"
            checked={table.getIsAllRowsSelected()}
            onChange={table.getToggleAllRowsSelectedHandler()}
          />
        ),
        cell: ({ row }) => (
          <input
            type="checkbox"
            aria-label={`Select row ${row.id}`}
            checked={row.getIsSelected()}
            onChange={row.getToggleSelectedHandler()}
          />
        ),
      },
      ...props.columns,
    ],
    [props.columns],
  );
  const table = useReactTable({
    data: rows,
    columns,
    getRowId: (row) => row.id,
    getCoreRowModel: getCoreRowModel(),
    manualPagination: true,
    manualSorting: true,
    state: { rowSelection: selection },
    onRowSelectionChange: setSelection,
    enableRowSelection: true,
  });
  const selected = Object.keys(selection).filter((id) => selection[id]);
  const toggleSort = (column: string) => {
    setSort((current) => (current.column === column ? { column, desc: !current.desc } : { column, desc: false }));
    setOffset(0);
  };
  const colSpan = columns.length + (props.expand ? 1 : 0) + (props.rowActions ? 1 : 0);
  const last = Math.min(offset + pageSize, count);

  return (
    <section className="datatable" aria-label={props.title}>
      <div className="toolbar">
        <input
          type="search"
          aria-label="Search"
          placeholder="Search (e.g. name:shop or free text)"
          value={search}
          onChange={(e) => {
            setSearch(e.target.value);
            setOffset(0);
          }}
        />
        {props.statuses && (
          <select
            aria-label="Status"
            value={status}
            onChange={(e) => {
              setStatus(e.target.value);
              setOffset(0);
            }}
          >
            <option value="">Any status</option>
            {props.statuses.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        )}
        <DateFilterPicker
          value={dates}
          onChange={(next) => {
            setDates(next);
            setOffset(0);
          }}
        />
        {props.toolbar?.(selected)}
      </div>
      {selected.length > 0 && (
        <section className="batchbar" aria-label="Batch actions">
          <span>{selected.length} selected</span>
          {(props.batch ?? []).map((action) => (
            <button key={action.command} type="button" onClick={() => batch.mutate(action.command)}>
              {action.label}
            </button>
          ))}
          <button
            type="button"
            className="danger"
            onClick={() => {
              if (window.confirm(`Delete ${selected.length} item(s)?`)) batch.mutate("delete");
            }}
          >
            Delete selected
          </button>
        </section>
      )}
      {(error || list.error) && (
        <p className="form-error" role="alert">
          {error || messageOf(list.error)}
        </p>
      )}
      <div className="table-scroll">
        <table>
          <thead>
            {table.getHeaderGroups().map((group) => (
              <tr key={group.id}>
                {props.expand && <th aria-label="Expand" />}
                {group.headers.map((header) => {
                  const sortable = header.column.columnDef.enableSorting !== false;
                  const active = sort.column === header.column.id;
                  return (
                    <th key={header.id} aria-sort={active ? (sort.desc ? "descending" : "ascending") : undefined}>
                      {sortable ? (
                        <button type="button" className="sort" onClick={() => toggleSort(header.column.id)}>
                          {flexRender(header.column.columnDef.header, header.getContext())}
                          <span aria-hidden="true">{active ? (sort.desc ? " ▼" : " ▲") : ""}</span>
                        </button>
                      ) : (
                        flexRender(header.column.columnDef.header, header.getContext())
                      )}
                    </th>
                  );
                })}
                {props.rowActions && <th>Actions</th>}
              </tr>
            ))}
          </thead>
          <tbody>
            {table.getRowModel().rows.map((row) => (
              <Fragment key={row.id}>
                <tr data-row-id={row.id} className={row.getIsSelected() ? "selected" : undefined}>
                  {props.expand && (
                    <td>
                      <button
                        type="button"
                        className="icon-button"
                        aria-expanded={!!expanded[row.id]}
                        aria-label={expanded[row.id] ? "Collapse row" : "Expand row"}
                        onClick={() => setExpanded((e) => ({ ...e, [row.id]: !e[row.id] }))}
                      >
                        {expanded[row.id] ? "▾" : "▸"}
                      </button>
                    </td>
                  )}
                  {row.getVisibleCells().map((cell) => (
                    <td key={cell.id}>{flexRender(cell.column.columnDef.cell, cell.getContext())}</td>
                  ))}
                  {props.rowActions && <td className="row-actions">{props.rowActions(row.original)}</td>}
                </tr>
                {props.expand && expanded[row.id] && (
                  <tr className="expansion">
                    <td colSpan={colSpan}>{props.expand(row.original)}</td>
                  </tr>
                )}
              </Fragment>
            ))}
            {!rows.length && (
              <tr>
                <td colSpan={colSpan} className="empty">
                  {list.isLoading ? "Loading…" : "Nothing here yet"}
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
      <nav className="pager" aria-label="Pagination">
        <span>{count ? `${offset + 1}–${last} of ${count}` : "0 items"}</span>
        <label>
          Rows per page{" "}
          <select
            value={pageSize}
            onChange={(e) => {
              setPageSize(Number(e.target.value));
              setOffset(0);
            }}
          >
            {[5, 10, 25, 50, 100].map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>
        <button type="button" disabled={!list.data?.previous} onClick={() => setOffset(Math.max(0, offset - pageSize))}>
          Previous
        </button>
        <button type="button" disabled={!list.data?.next} onClick={() => setOffset(offset + pageSize)}>
          Next
        </button>
      </nav>
    </section>
  );
}
