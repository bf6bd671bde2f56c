import { type FormEvent, useState } from "react";
import { ApiError, api } from "../shared/api.ts";
import { InputField, TextareaField } from "../shared/field.tsx";
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
        <InputField
          id="buyer-email"
          label={t("email")}
          error={errors.buyer_email}
          type="email"
          autoComplete="email"
          required
          value={email}
          onChange={(e) => setEmail(e.target.value)}
        />
      )}
      {askAddress && (
        <TextareaField
          id="shipping-address"
          label={t("shipping_address")}
          error={errors.shipping_address}
          autoComplete="street-address"
          rows={3}
          required
          value={address}
          onChange={(e) => setAddress(e.target.value)}
        />
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
