import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { messageOf } from "../api.ts";
import { createdColumn, customColumn, textColumn } from "../columns.tsx";
import { EMAIL_FIELDS } from "../email-fields.ts";
import { ResourcePage } from "../ResourcePage.tsx";
import { useApi, useMe } from "../session.tsx";
import { type FieldSpec, type FormValues, SpecForm } from "../ui/Form.tsx";
import { ObjectTable } from "../ui/ObjectTable.tsx";

/** Fields of the policy object: booleans as checkboxes, strings as text; nested settings are left to the API. */
function policyFields(policy: Record<string, unknown>): FieldSpec[] {
  return Object.entries(policy).flatMap(([name, value]): FieldSpec[] => {
    const label = name.replace(/_/g, " ").replace(/^./, (c) => c.toUpperCase());
    if (typeof value === "boolean") return [{ name, label, kind: "checkbox" }];
    if (typeof value === "string")
      return [
        {
          name,
          label,
          kind: name.includes("secret") ? "password" : name === "captcha_type" ? "select" : "text",
          options:
            name === "captcha_type"
              ? ["none", "hcaptcha", "cloudflare_turnstile"].map((v) => ({ value: v, label: v }))
              : undefined,
        },
      ];
    return [];
  });
}

function Policies() {
  const api = useApi();
  const client = useQueryClient();
  const [saved, setSaved] = useState(false);
  const policy = useQuery({
    queryKey: ["policies"],
    queryFn: () => api.get<Record<string, unknown>>("/manage/policies"),
  });
  if (policy.error) return <p className="form-error">{messageOf(policy.error)}</p>;
  if (!policy.data) return <p>Loading…</p>;
  const fields = policyFields(policy.data);
  return (
    <>
      <SpecForm
        key={JSON.stringify(policy.data)}
        fields={fields}
        initial={policy.data as FormValues}
        onSubmit={async (values) => {
          const changed = Object.fromEntries(fields.map((f) => [f.name, values[f.name]]));
          await api.post("/manage/policies", changed);
          setSaved(true);
          await client.invalidateQueries({ queryKey: ["policies"] });
        }}
      />
      {saved && (
        <p className="notice" role="status">
          Saved.
        </p>
      )}
    </>
  );
}

/** The server's own SMTP settings (password resets, verification), with a test through `POST /manage/email/test`. */
function ServerEmail() {
  const api = useApi();
  const client = useQueryClient();
  const [saved, setSaved] = useState(false);
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  const policy = useQuery({
    queryKey: ["policies"],
    queryFn: () => api.get<Record<string, unknown>>("/manage/policies"),
  });
  const settings = (policy.data?.email_settings ?? null) as FormValues | null;
  if (!settings) return <p>Loading…</p>;
  const test = async () => {
    try {
      const answer = await api.post<{ ok: boolean; error: string | null }>("/manage/email/test", {});
      setResult(
        answer.ok
          ? { ok: true, text: "The mail server accepted the connection and the login." }
          : { ok: false, text: `The test failed: ${answer.error ?? "unknown error"}` },
      );
    } catch (error) {
      setResult({ ok: false, text: messageOf(error) });
    }
  };
  return (
    <>
      <SpecForm
        key={JSON.stringify(settings)}
        fields={EMAIL_FIELDS}
        initial={{ ...settings, password: "" }}
        onSubmit={async (values) => {
          const changed = Object.fromEntries(EMAIL_FIELDS.map((f) => [f.name, values[f.name]]));
          await api.post("/manage/policies", { email_settings: changed });
          setSaved(true);
          await client.invalidateQueries({ queryKey: ["policies"] });
        }}
      />
      {saved && (
        <p className="notice" role="status">
          Saved.
        </p>
      )}
      <p>
        <button type="button" onClick={test}>
          Test server email
        </button>{" "}
        {result && (
          <span role="status" className={result.ok ? "notice" : "form-error"}>
            {result.text}
          </span>
        )}
      </p>
    </>
  );
}

function Snapshot({ label, path, pick }: { label: string; path: string; pick?: (data: unknown) => unknown[] }) {
  const api = useApi();
  const data = useQuery({ queryKey: [path], queryFn: () => api.get<unknown>(path) });
  if (data.error) return <p className="form-error">{messageOf(data.error)}</p>;
  const items = (pick ? pick(data.data) : (data.data as unknown[] | undefined)) ?? [];
  return <ObjectTable label={label} items={items as Record<string, unknown>[]} />;
}

/** Superuser settings: users, server policies, chain sync per coin and rate provider health. */
export function ServerPage() {
  const me = useMe().data;
  if (me && !me.is_superuser) return <p className="form-error">Only a superuser can change server settings (403).</p>;
  return (
    <div className="page">
      <h1>Server settings</h1>
      <section className="panel" aria-label="Sync status per coin">
        <h2>Sync status per coin</h2>
        <Snapshot label="Sync status" path="/manage/syncinfo" />
      </section>
      <section className="panel" aria-label="Rate providers">
        <h2>Rate providers</h2>
        <Snapshot
          label="Rate provider health"
          path="/rates/health"
          pick={(data) => (data as { providers?: unknown[] } | undefined)?.providers ?? []}
        />
      </section>
      <section className="panel" aria-label="Server email">
        <h2>Server email</h2>
        <ServerEmail />
      </section>
      <section className="panel" aria-label="Policies">
        <h2>Policies</h2>
        <Policies />
      </section>
      <ResourcePage
        title="Users"
        noun="user"
        path="/users"
        columns={[
          textColumn("email", "Email"),
          customColumn("is_superuser", "Superuser", (row) => (row.is_superuser ? "yes" : "no")),
          customColumn("is_enabled", "Enabled", (row) => (row.is_enabled === false ? "no" : "yes")),
          customColumn("is_verified", "Verified", (row) => (row.is_verified ? "yes" : "no")),
          createdColumn,
        ]}
        form={{
          fields: [
            { name: "email", label: "Email", kind: "email", required: true },
            { name: "password", label: "Password", kind: "password", required: true },
            { name: "is_superuser", label: "Superuser", kind: "checkbox" },
          ],
          editFields: [
            { name: "email", label: "Email", kind: "email" },
            { name: "password", label: "New password (empty keeps it)", kind: "password" },
            { name: "is_superuser", label: "Superuser", kind: "checkbox" },
            { name: "is_enabled", label: "Enabled", kind: "checkbox" },
            { name: "is_verified", label: "Verified", kind: "checkbox" },
          ],
          initial: (row) => ({
            email: row.email,
            is_superuser: row.is_superuser,
            is_enabled: row.is_enabled,
            is_verified: row.is_verified,
          }),
        }}
      />
    </div>
  );
}
