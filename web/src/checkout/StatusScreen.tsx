import { type MessageKey, useI18n } from "../shared/i18n.ts";
import type { Invoice } from "./types.ts";

const SCREENS: Record<string, { title: MessageKey; text: MessageKey; tone: "ok" | "wait" | "bad" }> = {
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

const ICONS = { ok: "✓", wait: "⏳", bad: "!" };

/** Every status other than pending: a title, a line of explanation, and the exception as a notice. */
export function StatusScreen({ invoice, redirecting }: { invoice: Invoice; redirecting: boolean }) {
  const { t } = useI18n();
  const screen = SCREENS[invoice.status] ?? SCREENS.invalid!;
  const notice = NOTICES[invoice.exception_status];
  const showNotice = notice && !(invoice.exception_status === "paid_partial" && invoice.status !== "expired");
  return (
    <section className={`status status-${screen.tone}`} data-testid={`status-${invoice.status}`} aria-live="polite">
      <div className="status-icon" aria-hidden="true">
        {ICONS[screen.tone]}
      </div>
      <h2>{t(screen.title)}</h2>
      <p>{t(screen.text)}</p>
      {showNotice && (
        <p className="notice" data-testid={`notice-${invoice.exception_status}`}>
          {t(notice)}
        </p>
      )}
      {redirecting && <p className="muted">{t("redirecting")}</p>}
    </section>
  );
}
