import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { messageOf, type Row } from "../api.ts";
import { EMAIL_FIELDS } from "../email-fields.ts";
import { useOptions } from "../ResourcePage.tsx";
import { Link } from "../router.tsx";
import { useApi } from "../session.tsx";
import { type FieldSpec, type FormValues, SpecForm } from "../ui/Form.tsx";
import { WebhooksSection } from "./WebhooksSection.tsx";

const CHECKOUT_FIELDS: FieldSpec[] = [
  { name: "expiration", label: "Invoice expiration (minutes)", kind: "number" },
  { name: "transaction_speed", label: "Confirmations required (0–6)", kind: "number" },
  { name: "underpaid_percentage", label: "Accepted underpayment (%)", kind: "number" },
  {
    name: "recommended_fee_target_blocks",
    label: "Recommended fee target (blocks)",
    kind: "select",
    options: ["1", "2", "5", "10", "25"].map((v) => ({ value: v, label: v })),
  },
  { name: "custom_logo_link", label: "Logo URL" },
  { name: "support_email", label: "Support email", kind: "email" },
  { name: "support_url", label: "Support URL" },
  { name: "show_recommended_fee", label: "Show the recommended fee", kind: "checkbox" },
  { name: "use_dark_mode", label: "Dark checkout", kind: "checkbox" },
  { name: "email_required", label: "Ask the buyer's email", kind: "checkbox" },
  { name: "ask_address", label: "Ask the buyer's address", kind: "checkbox" },
  { name: "allow_anonymous_invoice_creation", label: "Allow invoices from the public store", kind: "checkbox" },
  { name: "include_network_fee", label: "Add the network fee to the amount", kind: "checkbox" },
  { name: "randomize_wallet_selection", label: "Pick one wallet per coin at random", kind: "checkbox" },
  { name: "pos_screen_enabled", label: "Point-of-sale keypad", kind: "checkbox" },
];

/** Only the fields the section schema knows, with form strings kept as strings (the API reads them). */
const pick = (values: FormValues, fields: FieldSpec[]) =>
  Object.fromEntries(fields.filter((f) => values[f.name] !== undefined).map((f) => [f.name, values[f.name]]));

function Section({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <section className="panel" aria-label={title}>
      <h2>{title}</h2>
      {children}
    </section>
  );
}

function Saved({ at }: { at: number }) {
  return at ? (
    <p className="notice" role="status">
      Saved.
    </p>
  ) : null;
}

interface SmtpTestResult {
  ok: boolean;
  error: string | null;
  sent: boolean;
}

/** Checks the saved settings (connect and log in) and, given an address, sends a test message. */
function EmailTest({ path }: { path: string }) {
  const api = useApi();
  const [to, setTo] = useState("");
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  const test = async () => {
    setResult({ ok: true, text: "Testing…" });
    try {
      const answer = await api.post<SmtpTestResult>(`${path}/email/test`, to ? { to } : {});
      if (!answer.ok) setResult({ ok: false, text: `The test failed: ${answer.error ?? "unknown error"}` });
      else if (answer.sent) setResult({ ok: true, text: `A test message was sent to ${to}.` });
      else setResult({ ok: true, text: "The mail server accepted the connection and the login." });
    } catch (error) {
      setResult({ ok: false, text: messageOf(error) });
    }
  };
  return (
    <div className="email-test">
      <div className="field">
        <label htmlFor="email-test-to">Send a test message to (optional)</label>
        <input id="email-test-to" type="email" value={to} onChange={(e) => setTo(e.target.value)} />
      </div>
      <p>
        <button type="button" onClick={test}>
          Test email settings
        </button>{" "}
        {result && (
          <span role="status" className={result.ok ? "notice" : "form-error"}>
            {result.text}
          </span>
        )}
      </p>
    </div>
  );
}

function RateRules({ store, path }: { store: Row; path: string }) {
  const api = useApi();
  const wallets = useOptions("/wallets");
  const settings = (store.checkout_settings ?? {}) as Record<string, unknown>;
  const [rules, setRules] = useState(String(settings.rate_rules ?? ""));
  const [error, setError] = useState("");
  const [preview, setPreview] = useState<{ pair: string; rate: string | null; message: string }[]>([]);
  const walletIds = (store.wallets as string[] | undefined) ?? [];
  const coins = [...new Set(walletIds.map((id) => wallets.find((w) => w.value === id)?.label ?? "").filter(Boolean))];
  const fiat = String(store.default_currency ?? "USD");
  const apply = async () => {
    setError("");
    try {
      await api.patch(`${path}/rate_rules`, { rate_rules: rules });
      const currencies = (await currencyPairs()).join(",");
      const answer = await api.get<{ rates: typeof preview }>(`${path}/rates`, { query: { currencies } });
      setPreview(answer.rates);
    } catch (e) {
      setError(messageOf(e));
    }
  };
  // Live preview: rules being typed are evaluated (not saved) half a second after the last keystroke.
  // biome-ignore lint/correctness/useExhaustiveDependencies: re-run only when the rules text changes
  useEffect(() => {
    let cancelled = false;
    const timer = setTimeout(async () => {
      try {
        const currencies = (await currencyPairs()).join(",");
        const answer = await api.post<{ rates: typeof preview }>(`${path}/rates/preview`, {
          rate_rules: rules,
          currencies,
        });
        if (!cancelled) setPreview(answer.rates);
      } catch {
        // A preview that cannot be computed leaves the last one; saving reports errors.
      }
    }, 500);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [rules]);
  // The wallets' coins against the store currency: the pairs its checkout needs.
  const currencyPairs = async () => {
    const symbols = await Promise.all(
      walletIds.map((id) => api.get<string>(`/wallets/${encodeURIComponent(id)}/symbol`).catch(() => "")),
    );
    const pairs = [...new Set(symbols.filter(Boolean).map((s) => `${s.toUpperCase()}_${fiat}`))];
    return pairs.length ? pairs : [`BTC_${fiat}`];
  };
  return (
    <Section title="Rate rules">
      <p className="muted">
        One rule per line, e.g. <code>X_USD = kraken(X_USD) * 1.01</code>. Wallets: {coins.join(", ") || "none"}.
      </p>
      <div className="field">
        <label htmlFor="rate-rules">Rules</label>
        <textarea id="rate-rules" rows={5} value={rules} onChange={(e) => setRules(e.target.value)} />
      </div>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <div className="actions left">
        <button type="button" className="primary" onClick={apply}>
          Save and preview
        </button>
      </div>
      {preview.length > 0 && (
        <table aria-label="Rate preview">
          <thead>
            <tr>
              <th>Pair</th>
              <th>Rate</th>
              <th>How</th>
            </tr>
          </thead>
          <tbody>
            {preview.map((r) => (
              <tr key={r.pair}>
                <td>{r.pair}</td>
                <td>{r.rate ?? "—"}</td>
                <td>{r.message}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Section>
  );
}

/** Which of the user's templates the store uses for each built-in name (`templates: {name: id}`; none = default). */
function StoreTemplates({ store, path, onSaved }: { store: Row; path: string; onSaved: () => Promise<void> }) {
  const api = useApi();
  const templates = useOptions("/templates");
  // Bitcart's envelope: `result` holds the names (a bare list is read too).
  const names =
    useQuery({
      queryKey: ["template-names", "store"],
      queryFn: async () => {
        const answer = await api.get<string[] | { result?: unknown }>("/templates/list", {
          query: { applicable_to: "store" },
        });
        const list = Array.isArray(answer) ? answer : answer.result;
        return Array.isArray(list) ? list.map(String) : [];
      },
    }).data ?? [];
  const chosen = (store.templates ?? {}) as Record<string, string>;
  const fields: FieldSpec[] = names.map((name) => ({
    name,
    label: `Template for "${name}"`,
    kind: "select",
    options: templates,
  }));
  if (!names.length) return null;
  return (
    <Section title="Templates">
      <SpecForm
        key={`templates-${String(store.updated)}-${templates.length}`}
        fields={fields}
        initial={chosen}
        onSubmit={async (values) => {
          const map = Object.fromEntries(names.map((name) => [name, (values[name] as string) || null]));
          await api.patch(path, { templates: map });
          await onSaved();
        }}
      />
    </Section>
  );
}

/** A store's settings: general (wallets, notification providers), checkout, email, rate rules, webhooks. */
export function StoreSettingsPage({ id }: { id: string }) {
  const api = useApi();
  const client = useQueryClient();
  const path = `/stores/${encodeURIComponent(id)}`;
  const store = useQuery({ queryKey: ["/stores", id], queryFn: () => api.get<Row>(path) });
  const wallets = useOptions("/wallets");
  const notifications = useOptions("/notifications");
  const [savedAt, setSavedAt] = useState<Record<string, number>>({});
  if (store.error) return <p className="form-error">{messageOf(store.error)}</p>;
  const s = store.data;
  if (!s) return <p>Loading…</p>;
  // Another user's store answers only its public fields: there is nothing here this user may change.
  if (!("checkout_settings" in s) || !("wallets" in s)) {
    return <p className="form-error">This store belongs to another account (403).</p>;
  }
  const saved = (section: string) => async () => {
    setSavedAt((m) => ({ ...m, [section]: Date.now() }));
    await client.invalidateQueries({ queryKey: ["/stores"] });
  };
  const checkout = (s.checkout_settings ?? {}) as FormValues;
  const email = (s.email_settings ?? {}) as FormValues;
  return (
    <div className="page">
      <p>
        <Link to="/stores">← Stores</Link>
      </p>
      <h1>{String(s.name)} settings</h1>
      <p>
        Public store: <a href={`/store/${s.id}`}>{`/store/${s.id}`}</a>
      </p>
      <Section title="General">
        <SpecForm
          key={`general-${String(s.updated)}`}
          fields={[
            { name: "name", label: "Name", required: true },
            { name: "default_currency", label: "Default currency" },
            { name: "wallets", label: "Linked wallets", kind: "multi", options: wallets },
            { name: "notifications", label: "Notification providers", kind: "multi", options: notifications },
          ]}
          initial={{
            name: s.name,
            default_currency: s.default_currency,
            wallets: s.wallets,
            notifications: s.notifications,
          }}
          onSubmit={async (values) => {
            await api.patch(path, values);
            await saved("general")();
          }}
        />
        <Saved at={savedAt.general ?? 0} />
      </Section>
      <Section title="Checkout settings">
        <SpecForm
          key={`checkout-${String(s.updated)}`}
          fields={CHECKOUT_FIELDS}
          initial={{ ...checkout, recommended_fee_target_blocks: String(checkout.recommended_fee_target_blocks ?? "") }}
          onSubmit={async (values) => {
            await api.patch(`${path}/checkout_settings`, pick(values, CHECKOUT_FIELDS));
            await saved("checkout")();
          }}
        />
        <Saved at={savedAt.checkout ?? 0} />
      </Section>
      <Section title="Email settings">
        <SpecForm
          key={`email-${String(s.updated)}`}
          fields={EMAIL_FIELDS}
          initial={{ ...email, password: "" }}
          onSubmit={async (values) => {
            await api.patch(`${path}/email_settings`, pick(values, EMAIL_FIELDS));
            await saved("email")();
          }}
        />
        <Saved at={savedAt.email ?? 0} />
        <EmailTest path={path} />
      </Section>
      <StoreTemplates store={s} path={path} onSaved={saved("templates")} />
      <Saved at={savedAt.templates ?? 0} />
      <RateRules store={s} path={path} />
      <WebhooksSection storeId={s.id} />
    </div>
  );
}
