import { type FormEvent, useEffect, useState } from "react";
import { ApiError, api } from "../shared/api.ts";
import { Preferences } from "../shared/controls.tsx";
import { InputField } from "../shared/field.tsx";
import { useI18n } from "../shared/i18n.ts";
import { formatAmount, trimZeros } from "../shared/money.ts";

/** The public refund (`GET /invoices/refunds/{id}`), as Bitcart's refund page reads it. */
interface Refund {
  id: string;
  amount: string;
  currency: string;
  invoice_id: string;
  destination: string | null;
}

type State = { kind: "loading" } | { kind: "missing" } | { kind: "error" } | { kind: "ready"; refund: Refund };

/** Where the customer gives the address a refund is sent to, once. */
export function RefundPage({ refundId }: { refundId: string }) {
  const { t, language } = useI18n();
  const [state, setState] = useState<State>({ kind: "loading" });
  const [destination, setDestination] = useState("");
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const path = `/invoices/refunds/${encodeURIComponent(refundId)}`;

  useEffect(() => {
    api<Refund>("GET", path)
      .then((refund) => setState({ kind: "ready", refund }))
      .catch((error) => setState({ kind: error instanceof ApiError && error.status === 404 ? "missing" : "error" }));
  }, [path]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setErrors({});
    try {
      const refund = await api<Refund>("POST", `${path}/submit`, { destination: destination.trim() });
      setState({ kind: "ready", refund: { ...refund, destination: refund.destination || destination.trim() } });
    } catch (error) {
      setErrors(error instanceof ApiError ? { form: error.message, ...error.fields } : { form: t("error") });
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="checkout">
      <header className="checkout-header">
        <div className="store-name">{t("refund_title")}</div>
        <Preferences />
      </header>
      <main className="checkout-body">
        {state.kind === "loading" && <p className="muted">{t("loading")}</p>}
        {state.kind === "missing" && (
          <section className="status status-bad" data-testid="not-found">
            <h1>{t("refund_not_found")}</h1>
          </section>
        )}
        {state.kind === "error" && (
          <p className="error-text" role="alert">
            {t("error")}
          </p>
        )}
        {state.kind === "ready" && (
          <>
            <div className="summary">
              <h1 className="visually-hidden">{t("refund_title")}</h1>
              <div className="muted small">{t("refund_amount")}</div>
              <div className="fiat-amount" data-testid="refund-amount">
                {formatAmount(trimZeros(state.refund.amount), language)} {state.refund.currency.toUpperCase()}
              </div>
              <div className="muted small">
                {t("refund_invoice")} {state.refund.invoice_id}
              </div>
            </div>
            {state.refund.destination ? (
              <section className="status status-ok" data-testid="refund-submitted">
                <p>{t("refund_submitted")}</p>
                <code>{state.refund.destination}</code>
              </section>
            ) : (
              <form onSubmit={submit} noValidate data-testid="refund-form">
                <InputField
                  id="refund-destination"
                  label={t("refund_destination")}
                  error={errors.destination}
                  errorTestId="destination-error"
                  autoComplete="off"
                  spellCheck={false}
                  value={destination}
                  onChange={(e) => setDestination(e.target.value)}
                />
                {errors.form && !errors.destination && (
                  <p className="error-text" role="alert">
                    {errors.form}
                  </p>
                )}
                <button className="button" type="submit" disabled={busy || !destination.trim()}>
                  {t("refund_submit")}
                </button>
              </form>
            )}
          </>
        )}
      </main>
    </div>
  );
}
