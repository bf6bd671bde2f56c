import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { messageOf, type Page, type Row } from "../api.ts";
import { formatDate } from "../columns.tsx";
import { useApi } from "../session.tsx";
import { CopyButton } from "../ui/CopyButton.tsx";
import { Dialog } from "../ui/Dialog.tsx";
import { SpecForm } from "../ui/Form.tsx";

const EVENTS = [
  "*",
  "invoice.created",
  "invoice.payment_received",
  "invoice.paid",
  "invoice.confirmed",
  "invoice.complete",
  "invoice.expired",
  "invoice.invalid",
  "invoice.paid_late",
];

function Deliveries({ webhook }: { webhook: Row }) {
  const api = useApi();
  const client = useQueryClient();
  const [error, setError] = useState("");
  const path = `/webhooks/${encodeURIComponent(webhook.id)}/deliveries`;
  const deliveries = useQuery({
    queryKey: ["deliveries", webhook.id],
    queryFn: () => api.get<Page<Row>>(path, { query: { limit: 20 } }),
    // Deliveries happen in the background (retries, redeliveries): the open log follows them.
    refetchInterval: 3000,
  });
  const redeliver = async (delivery: Row) => {
    setError("");
    try {
      await api.post(`${path}/${encodeURIComponent(delivery.id)}/redeliver`);
      await client.invalidateQueries({ queryKey: ["deliveries", webhook.id] });
    } catch (e) {
      setError(messageOf(e));
    }
  };
  const rows = deliveries.data?.result ?? [];
  return (
    <div className="table-scroll">
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      {rows.length ? (
        <table aria-label="Deliveries">
          <thead>
            <tr>
              <th>When</th>
              <th>Event</th>
              <th>Attempt</th>
              <th>Status</th>
              <th>Response</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {rows.map((d) => (
              <tr key={d.id}>
                <td>{formatDate(d.created)}</td>
                <td>{String(d.event_type)}</td>
                <td>{String(d.attempt)}</td>
                <td>{String(d.status)}</td>
                <td>{d.response_status ? String(d.response_status) : String(d.error ?? "")}</td>
                <td>
                  <button type="button" className="small" onClick={() => redeliver(d)}>
                    Redeliver
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="muted">No deliveries yet.</p>
      )}
    </div>
  );
}

/** A store's webhooks: create (the secret is shown once), enable/disable, delete, the delivery log. */
export function WebhooksSection({ storeId }: { storeId: string }) {
  const api = useApi();
  const client = useQueryClient();
  const path = `/stores/${encodeURIComponent(storeId)}/webhooks`;
  const [creating, setCreating] = useState(false);
  const [secret, setSecret] = useState("");
  const [open, setOpen] = useState<string | null>(null);
  const [error, setError] = useState("");
  const list = useQuery({
    queryKey: ["webhooks", storeId],
    queryFn: () => api.get<Page<Row>>(path, { query: { limit: 100 } }),
  });
  const refresh = () => client.invalidateQueries({ queryKey: ["webhooks", storeId] });
  const act = async (run: () => Promise<unknown>) => {
    setError("");
    try {
      await run();
      await refresh();
    } catch (e) {
      setError(messageOf(e));
    }
  };
  return (
    <section className="panel" aria-label="Webhooks">
      <h2>Webhooks</h2>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      {secret && (
        <p className="notice" role="status">
          Signing secret (shown once): <code className="break">{secret}</code> <CopyButton value={secret} />
        </p>
      )}
      <ul className="plain">
        {(list.data?.result ?? []).map((hook) => (
          <li key={hook.id} className="webhook">
            <div className="row">
              <code className="break">{String(hook.url)}</code>
              <span className="muted">{(hook.event_types as string[]).join(", ")}</span>
              <span className="spacer" />
              <button type="button" className="small" onClick={() => setOpen(open === hook.id ? null : hook.id)}>
                {open === hook.id ? "Hide deliveries" : "Deliveries"}
              </button>
              <button
                type="button"
                className="small"
                onClick={() =>
                  act(() => api.patch(`${path}/${encodeURIComponent(hook.id)}`, { enabled: !hook.enabled }))
                }
              >
                {hook.enabled ? "Disable" : "Enable"}
              </button>
              <button
                type="button"
                className="small danger"
                onClick={() => act(() => api.delete(`${path}/${encodeURIComponent(hook.id)}`))}
              >
                Delete
              </button>
            </div>
            {open === hook.id && <Deliveries webhook={hook} />}
          </li>
        ))}
      </ul>
      <button type="button" onClick={() => setCreating(true)}>
        Add webhook
      </button>
      {creating && (
        <Dialog title="New webhook" onClose={() => setCreating(false)}>
          <SpecForm
            fields={[
              { name: "url", label: "URL", required: true, placeholder: "https://example.com/hooks/till" },
              {
                name: "event_types",
                label: "Events",
                kind: "multi",
                options: EVENTS.map((e) => ({ value: e, label: e })),
              },
              { name: "description", label: "Description" },
            ]}
            initial={{ event_types: ["*"] }}
            submitLabel="Create"
            onCancel={() => setCreating(false)}
            onSubmit={async (values) => {
              const created = await api.post<{ secret?: string }>(path, values);
              setSecret(created.secret ?? "");
              setCreating(false);
              await refresh();
            }}
          />
        </Dialog>
      )}
    </section>
  );
}
