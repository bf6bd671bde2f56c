import { useCallback, useEffect, useRef, useState } from "react";
import { ApiError, api } from "../shared/api.ts";
import { Preferences } from "../shared/controls.tsx";
import { useI18n } from "../shared/i18n.ts";
import { formatAmount, trimZeros } from "../shared/money.ts";
import { applyTheme, storedTheme } from "../shared/theme.ts";
import { CustomerForm } from "./CustomerForm.tsx";
import { followInvoice } from "./live.ts";
import { closeModal, inModal, postToParent } from "./modal.ts";
import { PaymentPanel } from "./PaymentPanel.tsx";
import { StatusScreen } from "./StatusScreen.tsx";
import type { Invoice, LiveStatus, PublicStore } from "./types.ts";

type Loaded = { kind: "loading" } | { kind: "missing" } | { kind: "error" } | { kind: "ready" };

const PAID = new Set(["paid", "confirmed", "complete"]);
const REDIRECT_DELAY_MS = 2500;

export function CheckoutPage({ invoiceId }: { invoiceId: string }) {
  const { t, language } = useI18n();
  const [loaded, setLoaded] = useState<Loaded>({ kind: "loading" });
  const [invoice, setInvoice] = useState<Invoice | null>(null);
  const [store, setStore] = useState<PublicStore | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [contactDone, setContactDone] = useState(false);
  const modal = useRef(inModal()).current;
  const path = `/invoices/${encodeURIComponent(invoiceId)}`;

  const reload = useCallback(async () => {
    try {
      setInvoice(await api<Invoice>("GET", path));
    } catch {
      // Keep what is shown; the next status message reloads again.
    }
  }, [path]);

  useEffect(() => {
    let current = true;
    (async () => {
      try {
        const found = await api<Invoice>("GET", path);
        if (!current) return;
        setInvoice(found);
        const shop = await api<PublicStore>("GET", `/stores/${encodeURIComponent(found.store_id)}`).catch(() => null);
        if (!current) return;
        setStore(shop);
        if (shop?.checkout_settings.use_dark_mode && !storedTheme()) applyTheme("dark");
        setLoaded({ kind: "ready" });
      } catch (error) {
        if (current) setLoaded({ kind: error instanceof ApiError && error.status === 404 ? "missing" : "error" });
      }
    })();
    return () => {
      current = false;
    };
  }, [path]);

  // Live status: apply the message at once, then re-read the invoice for what the message does not carry.
  const ready = loaded.kind === "ready";
  useEffect(() => {
    if (!ready) return;
    return followInvoice(invoiceId, (message: LiveStatus) => {
      setInvoice((previous) => (previous ? { ...previous, ...message } : previous));
      void reload();
    });
  }, [ready, invoiceId, reload]);

  const status = invoice?.status;
  const posted = useRef("");
  useEffect(() => {
    if (!modal || !invoice) return;
    // Posted once per status change, not on every re-read of the invoice.
    const key = `${invoice.status}/${invoice.exception_status}`;
    if (posted.current === key) return;
    posted.current = key;
    postToParent({
      type: "status",
      invoice_id: invoice.id,
      status: invoice.status,
      exception_status: invoice.exception_status,
      sent_amount: invoice.sent_amount,
      paid_currency: invoice.paid_currency,
      payment_id: invoice.payment_id,
      redirect_url: invoice.redirect_url,
    });
  }, [modal, invoice]);

  const redirectUrl = invoice?.redirect_url ?? "";
  const redirecting = !modal && !!status && PAID.has(status) && /^https?:\/\//i.test(redirectUrl);
  useEffect(() => {
    if (!redirecting) return;
    const timer = setTimeout(() => window.location.assign(redirectUrl), REDIRECT_DELAY_MS);
    return () => clearTimeout(timer);
  }, [redirecting, redirectUrl]);

  // When the countdown runs out, the server expires the invoice; re-read it in case no message comes.
  const timeLeft = invoice?.time_left ?? 0;
  useEffect(() => {
    if (status !== "pending") return;
    const timer = setTimeout(() => void reload(), (timeLeft + 2) * 1000);
    return () => clearTimeout(timer);
  }, [status, timeLeft, reload]);

  const header = (
    <header className="checkout-header">
      <div className="store-name">
        {store?.checkout_settings.custom_logo_link ? (
          <img src={store.checkout_settings.custom_logo_link} alt={store.name} className="logo" />
        ) : null}
        <span data-testid="store-name">{store?.name ?? ""}</span>
      </div>
      <Preferences />
      {modal && (
        <button type="button" className="icon-button" onClick={closeModal} aria-label={t("close")} title={t("close")}>
          <span aria-hidden="true">✕</span>
        </button>
      )}
    </header>
  );

  if (loaded.kind !== "ready" || !invoice) {
    return (
      <div className="checkout">
        {header}
        <main className="checkout-body">
          {loaded.kind === "loading" && <p className="muted">{t("loading")}</p>}
          {loaded.kind === "missing" && (
            <section className="status status-bad" data-testid="not-found">
              <h1>{t("not_found_title")}</h1>
              <p>{t("not_found_text")}</p>
            </section>
          )}
          {loaded.kind === "error" && (
            <p className="error-text" role="alert">
              {t("error")}{" "}
              <button type="button" className="button secondary" onClick={() => location.reload()}>
                {t("retry")}
              </button>
            </p>
          )}
        </main>
      </div>
    );
  }

  const settings = store?.checkout_settings;
  const askEmail = !!settings?.email_required && !invoice.buyer_email;
  const askAddress = !!settings?.ask_address && !invoice.shipping_address;
  const methods = invoice.payments;
  const method =
    methods.find((m) => m.id === selected) ?? methods.find((m) => m.id === invoice.payment_id) ?? methods[0];
  // An invoice priced in a coin shows its price without the coin's eight trailing decimals.
  const pricedInCoin = methods.some((m) => m.name === invoice.currency.toUpperCase());

  return (
    <div className="checkout" data-status={invoice.status}>
      {header}
      <main className="checkout-body">
        <div className="summary">
          <h1 className="visually-hidden">{t("invoice")}</h1>
          <div className="fiat-amount" data-testid="fiat-amount">
            {formatAmount(pricedInCoin ? trimZeros(invoice.price) : invoice.price, language)} {invoice.currency}
          </div>
          <div className="muted small">
            {t("invoice")} {invoice.order_id ? `#${invoice.order_id}` : invoice.id}
          </div>
        </div>
        {invoice.status !== "pending" ? (
          <StatusScreen invoice={invoice} redirecting={redirecting} />
        ) : (askEmail || askAddress) && !contactDone ? (
          <CustomerForm
            invoice={invoice}
            askEmail={askEmail}
            askAddress={askAddress}
            onSaved={(saved) => {
              setInvoice(saved);
              setContactDone(true);
            }}
          />
        ) : method ? (
          <PaymentPanel
            invoice={invoice}
            method={method}
            methods={methods}
            onSelect={setSelected}
            showFee={settings?.show_recommended_fee ?? true}
          />
        ) : (
          <p className="notice">{t("no_methods")}</p>
        )}
      </main>
    </div>
  );
}
