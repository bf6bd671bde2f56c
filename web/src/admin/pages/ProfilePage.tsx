import { useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { fieldErrorsOf, messageOf } from "../api.ts";
import { createdColumn, customColumn, textColumn } from "../columns.tsx";
import { DataTable } from "../DataTable.tsx";
import { useOptions } from "../ResourcePage.tsx";
import { useApi, useMe } from "../session.tsx";
import { CopyButton } from "../ui/CopyButton.tsx";
import { Dialog } from "../ui/Dialog.tsx";
import { SpecForm } from "../ui/Form.tsx";
import { SecuritySection } from "./SecuritySection.tsx";

const SCOPES = [
  "full_control",
  "server_management",
  "token_management",
  "wallet_management",
  "store_management",
  "discount_management",
  "product_management",
  "invoice_management",
  "payout_management",
  "notification_management",
  "template_management",
  "file_management",
  "metrics_management",
];

/** Scopes that can be narrowed to one object, and where that object's choices come from. */
const OBJECT_SCOPES: Record<string, string> = {
  wallet_management: "/wallets",
  store_management: "/stores",
  discount_management: "/discounts",
  product_management: "/products",
  notification_management: "/notifications",
  template_management: "/templates",
  file_management: "/files",
};

function ObjectScopePicker({ onAdd }: { onAdd: (permission: string) => void }) {
  const [scope, setScope] = useState("store_management");
  const [object, setObject] = useState("");
  const options = useOptions(OBJECT_SCOPES[scope] ?? "/stores");
  return (
    <fieldset className="object-scope">
      <legend>Limit a scope to one object</legend>
      <label>
        Scope{" "}
        <select
          value={scope}
          onChange={(e) => {
            setScope(e.target.value);
            setObject("");
          }}
        >
          {Object.keys(OBJECT_SCOPES).map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      </label>
      <label>
        Object{" "}
        <select value={object} onChange={(e) => setObject(e.target.value)}>
          <option value="">—</option>
          {options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      </label>
      <button type="button" disabled={!object} onClick={() => onAdd(`${scope}:${object}`)}>
        Add
      </button>
    </fieldset>
  );
}

function TokenDialog({ onClose, onCreated }: { onClose: () => void; onCreated: (secret: string) => void }) {
  const api = useApi();
  const [permissions, setPermissions] = useState<string[]>([]);
  const [appId, setAppId] = useState("");
  const [error, setError] = useState("");
  const toggle = (permission: string) =>
    setPermissions((p) => (p.includes(permission) ? p.filter((x) => x !== permission) : [...p, permission]));
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError("");
    try {
      const created = await api.post<{ access_token: string }>("/token", { permissions, app_id: appId });
      onCreated(created.access_token);
    } catch (e) {
      const fields = fieldErrorsOf(e);
      setError(Object.keys(fields).length ? Object.values(fields).join("; ") : messageOf(e));
    }
  };
  return (
    <Dialog title="New API token" onClose={onClose}>
      <form className="form" onSubmit={submit}>
        <div className="field">
          <label htmlFor="token-app-id">Name (app id)</label>
          <input id="token-app-id" value={appId} onChange={(e) => setAppId(e.target.value)} />
        </div>
        <fieldset className="scopes">
          <legend>Scopes</legend>
          {SCOPES.map((scope) => (
            <label key={scope} className="check">
              <input type="checkbox" checked={permissions.includes(scope)} onChange={() => toggle(scope)} /> {scope}
            </label>
          ))}
        </fieldset>
        <ObjectScopePicker onAdd={(p) => setPermissions((list) => (list.includes(p) ? list : [...list, p]))} />
        <p>
          Selected: <span data-testid="selected-scopes">{permissions.join(", ") || "none"}</span>
        </p>
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        <div className="actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary">
            Create token
          </button>
        </div>
      </form>
    </Dialog>
  );
}

export function ProfilePage() {
  const api = useApi();
  const me = useMe().data;
  const client = useQueryClient();
  const [creating, setCreating] = useState(false);
  const [secret, setSecret] = useState("");
  const [passwordSaved, setPasswordSaved] = useState(false);
  return (
    <div className="page">
      <h1>Profile</h1>
      <p>
        Signed in as <strong>{me?.email}</strong>
        {me?.is_superuser ? " (superuser)" : ""}
      </p>
      <section className="panel" aria-label="Preferences">
        <h2>Preferences</h2>
        {me && (
          <SpecForm
            key={me.settings?.balance_currency ?? ""}
            fields={[
              { name: "balance_currency", label: "Currency of the total balance" },
              { name: "fetch_balance", label: "Show wallet balances", kind: "checkbox" },
            ]}
            initial={{
              balance_currency: me.settings?.balance_currency ?? "USD",
              fetch_balance: me.settings?.fetch_balance ?? true,
            }}
            onSubmit={async (values) => {
              await api.post("/users/me/settings", values);
              await client.invalidateQueries({ queryKey: ["me"] });
              await client.invalidateQueries({ queryKey: ["/wallets", "balance"] });
            }}
          />
        )}
      </section>
      <section className="panel" aria-label="Change password">
        <h2>Change password</h2>
        <SpecForm
          key={passwordSaved ? "saved" : "form"}
          fields={[
            { name: "old_password", label: "Current password", kind: "password", required: true },
            { name: "password", label: "New password", kind: "password", required: true },
            { name: "logout_all", label: "Sign out every other session", kind: "checkbox" },
          ]}
          initial={{ logout_all: true }}
          submitLabel="Change password"
          onSubmit={async (values) => {
            await api.post("/users/password", values);
            setPasswordSaved(true);
          }}
        />
        {passwordSaved && (
          <p className="notice" role="status">
            Password changed.
          </p>
        )}
      </section>
      <SecuritySection />
      <section className="panel" aria-label="API tokens">
        <header className="page-head">
          <h2>API tokens</h2>
          <button type="button" className="primary" onClick={() => setCreating(true)}>
            New token
          </button>
        </header>
        {secret && (
          <div className="notice" role="status">
            <p>Copy the new token now: it is shown only once.</p>
            <code className="break" data-testid="new-token">
              {secret}
            </code>{" "}
            <CopyButton value={secret} />{" "}
            <button type="button" className="small" onClick={() => setSecret("")}>
              Done
            </button>
          </div>
        )}
        <DataTable
          path="/token"
          title="API tokens"
          columns={[
            textColumn("app_id", "Name"),
            customColumn("permissions", "Scopes", (row) => ((row.permissions as string[]) ?? []).join(", ")),
            textColumn("last_used", "Last used", false),
            createdColumn,
          ]}
          rowActions={(row) => (
            <button
              type="button"
              className="small danger"
              onClick={async () => {
                await api.delete(`/token/${encodeURIComponent(row.id)}`);
                await client.invalidateQueries({ queryKey: ["/token"] });
              }}
            >
              Revoke
            </button>
          )}
        />
      </section>
      {creating && (
        <TokenDialog
          onClose={() => setCreating(false)}
          onCreated={async (value) => {
            setCreating(false);
            setSecret(value);
            await client.invalidateQueries({ queryKey: ["/token"] });
          }}
        />
      )}
    </div>
  );
}
