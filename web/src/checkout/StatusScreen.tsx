import { type MessageKey, useI18n } from "../shared/i18n.ts";
import { formatAmount, trimZeros } from "../shared/money.ts";
import type { Invoice } from "./types.ts";

type Tone = "ok" | "wait" | "bad";

const SCREENS: Record<string, { title: MessageKey; text: MessageKey; tone: Tone }> = {
  paid: { title: "paid_title", text: "paid_text", tone: "wait" },
  confirmed: { title: "complete_title", text: "complete_text", tone: "ok" },
  complete: { title: "complete_title", text: "complete_text", tone: "ok" },
  expired: { title: "expired_title", text: "expired_text", tone: "bad" },
  invalid: { title: "invalid_title", text: "invalid_text", tone: "bad" },
  refunded: { title: "refunded_title", text: "refunded_text", tone: "bad" },
};

const NOTICES: Record<string, MessageKey> = {
  paid_late: "paid_late_notice",
  paid_over: "paid_over_notice",
  paid_partial: "partial_expired_notice",
};

/** Drawn, not emoji: the pages must not depend on the system's emoji font. */
const ICON_PATHS: Record<Tone, string> = {
  ok: "M7 12.5l3.2 3.2L17 9",
  wait: "M12 7v5l3 2",
  bad: "M12 7v6M12 16.5v.5",
};

function StatusIcon({ tone }: { tone: Tone }) {
  return (
    <svg className="status-icon" viewBox="0 0 24 24" aria-hidden="true">
      <circle cx="12" cy="12" r="11" />
      <path d={ICON_PATHS[tone]} />
    </svg>
  );
}

/** Every status other than pending: a title, a line of explanation, what arrived, and the exception as a notice. */
export function StatusScreen({ invoice, redirecting }: { invoice: Invoice; redirecting: boolean }) {
  const { t, language } = useI18n();
  const screen = SCREENS[invoice.status] ?? SCREENS.invalid!;
  const notice = NOTICES[invoice.exception_status];
  const showNotice = notice && !(invoice.exception_status === "paid_partial" && invoice.status !== "expired");
  const method = invoice.payments.find((m) => m.id === invoice.payment_id);
  const received = invoice.ledger.filter((p) => p.method_id === invoice.payment_id && p.state !== "replaced");
  const confirmations = received.length ? Math.min(...received.map((p) => p.confirmations)) : 0;
  return (
    <section className={`status status-${screen.tone}`} data-testid={`status-${invoice.status}`} aria-live="polite">
      <StatusIcon tone={screen.tone} />
      <h2>{t(screen.title)}</h2>
      <p>{t(screen.text)}</p>
      {method && invoice.sent_amount !== "0" && (
        <p className="muted" data-testid="received">
          {t("received")}: {formatAmount(trimZeros(invoice.sent_amount), language)} {method.name}
          {invoice.status === "paid" && method.confirmations_required > 0 && (
            <>
              <br />
              {t("confirmations", { count: confirmations, required: method.confirmations_required })}
            </>
          )}
        </p>
      )}
      {showNotice && (
        <p className="notice" data-testid={`notice-${invoice.exception_status}`}>
          {t(notice)}
        </p>
      )}
      {redirecting && <p className="muted">{t("redirecting")}</p>}
    </section>
  );
}
