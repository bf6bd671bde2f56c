import { type FormEvent, useState } from "react";
import { ApiError, api } from "../shared/api.ts";
import { useI18n } from "../shared/i18n.ts";
import type { Invoice } from "./types.ts";

interface Props {
  invoice: Invoice;
  askEmail: boolean;
  askAddress: boolean;
  onSaved: (invoice: Invoice) => void;
}

/** The email and/or shipping address the store asks for, sent before the payment details are shown. */
export function CustomerForm({ invoice, askEmail, askAddress, onSaved }: Props) {
  const { t } = useI18n();
  const [email, setEmail] = useState(invoice.buyer_email);
  const [address, setAddress] = useState(invoice.shipping_address);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setErrors({});
    try {
      const body: Record<string, string> = {};
      if (askEmail) body.buyer_email = email.trim();
      if (askAddress) body.shipping_address = address.trim();
      onSaved(await api<Invoice>("PATCH", `/invoices/${encodeURIComponent(invoice.id)}/customer`, body));
    } catch (error) {
      setErrors(error instanceof ApiError ? { form: error.message, ...error.fields } : { form: t("error") });
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="customer-form" onSubmit={submit} noValidate data-testid="customer-form">
      <h2>{t("contact_title")}</h2>
      {askEmail && (
        <div className="field">
          <label htmlFor="buyer-email">{t("email")}</label>
          <input
            id="buyer-email"
            type="email"
            autoComplete="email"
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            aria-invalid={!!errors.buyer_email}
            aria-describedby={errors.buyer_email ? "buyer-email-error" : undefined}
          />
          {errors.buyer_email && (
            <span className="field-error" id="buyer-email-error">
              {errors.buyer_email}
            </span>
          )}
        </div>
      )}
      {askAddress && (
        <div className="field">
          <label htmlFor="shipping-address">{t("shipping_address")}</label>
          <textarea
            id="shipping-address"
            autoComplete="street-address"
            rows={3}
            required
            value={address}
            onChange={(e) => setAddress(e.target.value)}
            aria-invalid={!!errors.shipping_address}
            aria-describedby={errors.shipping_address ? "shipping-address-error" : undefined}
          />
          {errors.shipping_address && (
            <span className="field-error" id="shipping-address-error">
              {errors.shipping_address}
            </span>
          )}
        </div>
      )}
      {errors.form && !errors.buyer_email && !errors.shipping_address && (
        <p className="error-text" role="alert">
          {errors.form}
        </p>
      )}
      <button
        className="button"
        type="submit"
        disabled={busy || (askEmail && !email.trim()) || (askAddress && !address.trim())}
      >
        {t("continue")}
      </button>
    </form>
  );
}
