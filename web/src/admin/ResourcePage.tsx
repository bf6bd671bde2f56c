import { useQuery, useQueryClient } from "@tanstack/react-query";
import type { ColumnDef } from "@tanstack/react-table";
import type { Transport } from "@till/sdk";
import { type ReactNode, useState } from "react";
import { messageOf, type Page, type Row } from "./api.ts";
import { type BatchAction, DataTable } from "./DataTable.tsx";
import { useApi } from "./session.tsx";
import { Dialog } from "./ui/Dialog.tsx";
import { type FieldSpec, type FormValues, SpecForm } from "./ui/Form.tsx";

export interface ResourceForm {
  /** Fields of the create dialog. */
  fields: FieldSpec[];
  /** Fields of the edit dialog (default: the create fields). */
  editFields?: FieldSpec[];
  /** Form values of an existing record. */
  initial?: (row: Row) => FormValues;
  /** Default values of a new record. */
  defaults?: FormValues;
  /** Sends the create (row undefined) or the edit; default: JSON POST / PATCH of the values. */
  send?: (api: Transport, values: FormValues, row?: Row) => Promise<unknown>;
}

export interface ResourcePageProps {
  title: string;
  /** Singular noun for buttons and dialogs. */
  noun: string;
  path: string;
  columns: ColumnDef<Row>[];
  statuses?: string[];
  batch?: BatchAction[];
  expand?: (row: Row) => ReactNode;
  form?: ResourceForm;
  /** Records cannot be edited (only created and deleted). */
  readOnly?: boolean;
  rowExtra?: (row: Row) => ReactNode;
  toolbar?: (selected: string[]) => ReactNode;
  intro?: ReactNode;
}

/** Sends only the fields that have a value, so optional fields keep the server's defaults. */
const compact = (values: FormValues) =>
  Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined && v !== ""));

/** A resource page: the shared datatable plus create, edit and delete dialogs. */
export function ResourcePage(props: ResourcePageProps) {
  const api = useApi();
  const client = useQueryClient();
  const [editing, setEditing] = useState<Row | "new" | null>(null);
  const [deleting, setDeleting] = useState<Row | null>(null);
  const [deleteError, setDeleteError] = useState("");
  const form = props.form;

  const refresh = () => client.invalidateQueries({ queryKey: [props.path] });
  const save = async (values: FormValues) => {
    const row = editing === "new" ? undefined : (editing ?? undefined);
    if (form?.send) await form.send(api, values, row);
    else if (row) await api.patch(`${props.path}/${encodeURIComponent(row.id)}`, compact(values));
    else await api.post(props.path, compact(values));
    setEditing(null);
    await refresh();
  };
  const remove = async () => {
    if (!deleting) return;
    try {
      await api.delete(`${props.path}/${encodeURIComponent(deleting.id)}`);
      setDeleting(null);
      await refresh();
    } catch (error) {
      setDeleteError(messageOf(error));
    }
  };

  return (
    <div className="page">
      <header className="page-head">
        <h1>{props.title}</h1>
        {form && (
          <button type="button" className="primary" onClick={() => setEditing("new")}>
            New {props.noun}
          </button>
        )}
      </header>
      {props.intro}
      <DataTable
        path={props.path}
        title={props.title}
        columns={props.columns}
        statuses={props.statuses}
        batch={props.batch}
        expand={props.expand}
        toolbar={props.toolbar}
        rowActions={(row) => (
          <>
            {props.rowExtra?.(row)}
            {form && !props.readOnly && (
              <button type="button" className="small" onClick={() => setEditing(row)}>
                Edit
              </button>
            )}
            <button
              type="button"
              className="small danger"
              onClick={() => {
                setDeleteError("");
                setDeleting(row);
              }}
            >
              Delete
            </button>
          </>
        )}
      />
      {form && editing && (
        <Dialog title={editing === "new" ? `New ${props.noun}` : `Edit ${props.noun}`} onClose={() => setEditing(null)}>
          <SpecForm
            fields={editing === "new" ? form.fields : (form.editFields ?? form.fields)}
            initial={editing === "new" ? (form.defaults ?? {}) : (form.initial?.(editing) ?? editing)}
            submitLabel={editing === "new" ? "Create" : "Save"}
            onSubmit={save}
            onCancel={() => setEditing(null)}
          />
        </Dialog>
      )}
      {deleting && (
        <Dialog title={`Delete ${props.noun}`} onClose={() => setDeleting(null)}>
          <p>
            Delete <strong>{String(deleting.name ?? deleting.id)}</strong>? This cannot be undone.
          </p>
          {deleteError && (
            <p className="form-error" role="alert">
              {deleteError}
            </p>
          )}
          <div className="actions">
            <button type="button" onClick={() => setDeleting(null)}>
              Cancel
            </button>
            <button type="button" className="danger" onClick={remove}>
              Delete
            </button>
          </div>
        </Dialog>
      )}
    </div>
  );
}

/** `{value, label}` options of a resource's records, for pickers. */
export function useOptions(path: string) {
  const api = useApi();
  return (
    useQuery({
      queryKey: [path, "options"],
      queryFn: () => api.get<Page<{ id: string; name: string }>>(path, { query: { autocomplete: true, limit: -1 } }),
    }).data?.result.map((item) => ({ value: item.id, label: item.name })) ?? []
  );
}
