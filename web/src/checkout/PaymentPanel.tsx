import { CopyButton } from "../shared/controls.tsx";
import { useI18n } from "../shared/i18n.ts";
import { formatAmount, isPositive, minus, trimZeros } from "../shared/money.ts";
import { withAmount } from "./payment-uri.ts";
import { QrCode } from "./QrCode.tsx";
import type { Invoice, PaymentMethod } from "./types.ts";
import { formatDuration, useCountdown } from "./useCountdown.ts";

interface Props {
  invoice: Invoice;
  method: PaymentMethod;
  methods: PaymentMethod[];
  onSelect: (id: string) => void;
  showFee: boolean;
}

/** A method's name; two wallets of one coin are told apart by their position ("LTC 1", "LTC 2"). */
function methodLabel(method: PaymentMethod, methods: PaymentMethod[]): string {
  const name = method.label || method.name;
  const same = methods.filter((m) => (m.label || m.name) === name);
  return same.length > 1 ? `${name} ${same.indexOf(method) + 1}` : name;
}

/** What a payer needs while the invoice is pending: how much, where, a QR code, and how long is left. */
export function PaymentPanel({ invoice, method, methods, onSelect, showFee }: Props) {
  const { t, language } = useI18n();
  const secondsLeft = useCountdown(invoice.time_left);
  const partial =
    invoice.exception_status === "paid_partial" && (invoice.paid_currency ?? method.currency) === method.currency;
  const due = partial ? minus(method.amount, invoice.sent_amount, method.divisibility) : method.amount;
  const amount = trimZeros(isPositive(due, method.divisibility) ? due : method.amount);
  const uri = partial ? withAmount(method.payment_url, amount) : method.payment_url;
  const fee = Number(method.recommended_fee ?? 0) > 0 ? String(method.recommended_fee) : "";
  const expiring = secondsLeft < 60;

  return (
    <div className="payment">
      {methods.length > 1 && (
        <fieldset className="methods">
          <legend>{t("pay_with")}</legend>
          {methods.map((m) => (
            <button
              key={m.id}
              type="button"
              className={m.id === method.id ? "method selected" : "method"}
              aria-pressed={m.id === method.id}
              onClick={() => onSelect(m.id)}
            >
              {methodLabel(m, methods)}
            </button>
          ))}
        </fieldset>
      )}

      {partial && (
        <p className="notice" role="status" data-testid="partial-notice">
          {t("partial_notice", { sent: trimZeros(invoice.sent_amount), symbol: method.name, due: amount })}
        </p>
      )}

      <div className="amount-row">
        <div>
          <div className="muted small">{partial ? t("amount_due") : t("amount")}</div>
          <div className="crypto-amount" data-testid="amount">
            {formatAmount(amount, language)} <span className="symbol">{method.name}</span>
          </div>
          {invoice.currency.toUpperCase() !== method.name && (
            <div className="muted small" data-testid="rate">
              {t("rate")}: 1 {method.name} = {method.rate_str}
            </div>
          )}
        </div>
        <CopyButton text={amount} label={t("copy_amount")} />
      </div>

      <div className="qr-box">
        <QrCode text={uri} label={t("qr_label")} />
        <p className="muted small">{t("scan_qr")}</p>
        <a className="button" href={uri} data-testid="open-wallet">
          {t("open_in_wallet")}
        </a>
      </div>

      <div className="copy-row">
        <div className="copy-text">
          <div className="muted small">{t("address")}</div>
          <code data-testid="address">{method.payment_address}</code>
        </div>
        <CopyButton text={method.payment_address} label={t("copy_address")} />
      </div>
      <div className="copy-row">
        <div className="copy-text">
          <div className="muted small">{t("payment_uri")}</div>
          <code>{uri}</code>
        </div>
        <CopyButton text={uri} label={t("copy_uri")} />
      </div>

      {showFee && fee && (
        <p className="muted small" data-testid="recommended-fee">
          {t("recommended_fee", { fee })}
        </p>
      )}

      <div className={expiring ? "countdown expiring" : "countdown"}>
        <span>{t("expires_in")}</span>{" "}
        <time data-testid="countdown" aria-live={expiring ? "polite" : "off"}>
          {formatDuration(secondsLeft)}
        </time>
        <div
          className="progress"
          role="presentation"
          style={{
            inlineSize: `${invoice.expiration_seconds ? (100 * secondsLeft) / invoice.expiration_seconds : 0}%`,
          }}
        />
      </div>
    </div>
  );
}
