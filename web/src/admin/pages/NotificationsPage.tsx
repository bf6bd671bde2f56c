import { useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { fieldErrorsOf, messageOf, type Page, type Row } from "../api.ts";
import { createdColumn, textColumn } from "../columns.tsx";
import { DataTable } from "../DataTable.tsx";
import { useApi } from "../session.tsx";
import { Dialog } from "../ui/Dialog.tsx";
import { FieldControl, type FieldSpec } from "../ui/Form.tsx";

interface ProviderForm {
  fields: FieldSpec[];
  setupUrl?: string;
}

const SECRET = /token|secret|password|key/i;
const labelOf = (name: string) => name.replace(/_/g, " ").replace(/^./, (c) => c.toUpperCase());

/**
 * Reads one provider's entry of `GET /notifications/schema` in either shape the server may answer:
 * `{properties: ["bot_token", …], required: […], setup_url?}` or a JSON-schema-like object
 * (`properties: {bot_token: {type, title, description}}`). Anything else yields no fields.
 */
export function providerForm(entry: unknown): ProviderForm {
  if (typeof entry !== "object" || entry === null) return { fields: [] };
  const raw = entry as { properties?: unknown; required?: unknown; setup_url?: unknown; schema?: unknown };
  const setupUrl = typeof raw.setup_url === "string" ? raw.setup_url : undefined;
  // A nested JSON Schema carries types and titles: prefer it over the bare list of names.
  if (typeof raw.schema === "object" && raw.schema !== null && !Array.isArray(raw.schema)) {
    const nested = providerForm(raw.schema);
    if (nested.fields.length) return { ...nested, setupUrl };
  }
  const required = new Set(Array.isArray(raw.required) ? raw.required.map(String) : []);
  const field = (name: string, meta: Record<string, unknown> = {}): FieldSpec => {
    const type = meta.type;
    const options = Array.isArray(meta.enum)
      ? meta.enum.map((v) => ({ value: String(v), label: String(v) }))
      : undefined;
    const kind = options
      ? "select"
      : type === "boolean"
        ? "checkbox"
        : type === "integer" || type === "number"
          ? "number"
          : meta.format === "password" || (meta.format === undefined && SECRET.test(name))
            ? "password"
            : meta.format === "email"
              ? "email"
              : "text";
    return {
      name,
      label: typeof meta.title === "string" ? meta.title : labelOf(name),
      kind,
      options,
      required: required.has(name),
      help: typeof meta.description === "string" ? meta.description : undefined,
    };
  };
  if (Array.isArray(raw.properties)) {
    return {
      setupUrl,
      fields: raw.properties.map((p) =>
        typeof p === "string"
          ? field(p)
          : field(String((p as { name?: unknown }).name ?? ""), p as Record<string, unknown>),
      ),
    };
  }
  if (typeof raw.properties === "object" && raw.properties !== null) {
    return {
      setupUrl,
      fields: Object.entries(raw.properties as Record<string, unknown>).map(([name, meta]) =>
        field(name, typeof meta === "object" && meta !== null ? (meta as Record<string, unknown>) : {}),
      ),
    };
  }
  return { fields: [], setupUrl };
}

function NotificationForm({ row, onDone }: { row?: Row; onDone: () => void }) {
  const api = useApi();
  const providers =
    useQuery({ queryKey: ["notification-providers"], queryFn: () => api.get<Page<string>>("/notifications/list") }).data
      ?.result ?? [];
  // The schema route may not exist on every server: without it the settings are edited as JSON.
  const schema = useQuery({
    queryKey: ["notification-schema"],
    queryFn: () => api.get<Record<string, unknown>>("/notifications/schema").catch(() => null),
  }).data;
  const [name, setName] = useState(String(row?.name ?? ""));
  const [provider, setProvider] = useState(String(row?.provider ?? ""));
  const [data, setData] = useState<Record<string, unknown>>((row?.data as Record<string, unknown>) ?? {});
  const [json, setJson] = useState(JSON.stringify(row?.data ?? {}, null, 2));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [dataErrors, setDataErrors] = useState<Record<string, string>>({});
  const [general, setGeneral] = useState("");
  const form = schema && provider ? providerForm(schema[provider]) : null;
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setErrors({});
    setDataErrors({});
    setGeneral("");
    let settings: unknown = data;
    if (!form?.fields.length) {
      try {
        settings = JSON.parse(json || "{}");
      } catch {
        setErrors({ data: "Settings must be a JSON object" });
        return;
      }
    }
    const body = { name, provider, data: settings };
    try {
      if (row) await api.patch(`/notifications/${encodeURIComponent(row.id)}`, body);
      else await api.post("/notifications", body);
      onDone();
    } catch (error) {
      const byField = fieldErrorsOf(error);
      setErrors(byField);
      const nested = fieldErrorsOf(error, "data");
      setDataErrors(nested);
      if (!Object.keys(byField).length) setGeneral(messageOf(error));
      else if (form?.fields.length && byField.data && !Object.keys(nested).length) setGeneral(byField.data);
    }
  };
  return (
    <form className="form" onSubmit={submit} noValidate>
      <FieldControl
        spec={{ name: "name", label: "Name", required: true }}
        value={name}
        error={errors.name}
        onChange={(v) => setName(String(v))}
      />
      <FieldControl
        spec={{
          name: "provider",
          label: "Provider",
          kind: "select",
          options: providers.map((p) => ({ value: p, label: p })),
        }}
        value={provider}
        error={errors.provider}
        onChange={(v) => setProvider(String(v))}
      />
      {form?.setupUrl && (
        <p>
          <a href={form.setupUrl} target="_blank" rel="noreferrer">
            How to set up {provider}
          </a>
        </p>
      )}
      {form?.fields.length ? (
        form.fields.map((spec) => (
          <FieldControl
            key={spec.name}
            spec={spec}
            value={data[spec.name]}
            error={dataErrors[spec.name]}
            onChange={(v) => setData((d) => ({ ...d, [spec.name]: v }))}
          />
        ))
      ) : (
        <FieldControl
          spec={{ name: "data", label: "Settings (JSON)", kind: "textarea" }}
          value={json}
          error={errors.data}
          onChange={(v) => setJson(String(v))}
        />
      )}
      {general && (
        <p className="form-error" role="alert">
          {general}
        </p>
      )}
      <div className="actions">
        <button type="button" onClick={onDone}>
          Cancel
        </button>
        <button type="submit" className="primary">
          {row ? "Save" : "Create"}
        </button>
      </div>
    </form>
  );
}

export function NotificationsPage() {
  const client = useQueryClient();
  const api = useApi();
  const [editing, setEditing] = useState<Row | "new" | null>(null);
  const done = () => {
    setEditing(null);
    return client.invalidateQueries({ queryKey: ["/notifications"] });
  };
  return (
    <div className="page">
      <header className="page-head">
        <h1>Notification providers</h1>
        <button type="button" className="primary" onClick={() => setEditing("new")}>
          New notification provider
        </button>
      </header>
      <DataTable
        path="/notifications"
        title="Notification providers"
        columns={[textColumn("name", "Name"), textColumn("provider", "Provider"), createdColumn]}
        rowActions={(row) => (
          <>
            <button type="button" className="small" onClick={() => setEditing(row)}>
              Edit
            </button>
            <button
              type="button"
              className="small danger"
              onClick={async () => {
                if (!window.confirm(`Delete ${String(row.name)}?`)) return;
                await api.delete(`/notifications/${encodeURIComponent(row.id)}`);
                await done();
              }}
            >
              Delete
            </button>
          </>
        )}
      />
      {editing && (
        <Dialog
          title={editing === "new" ? "New notification provider" : "Edit notification provider"}
          onClose={() => setEditing(null)}
        >
          <NotificationForm row={editing === "new" ? undefined : editing} onDone={done} />
        </Dialog>
      )}
    </div>
  );
}
