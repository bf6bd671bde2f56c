import { type FormEvent, useState } from "react";
import { ApiError } from "../shared/api.ts";
import { InputField } from "../shared/field.tsx";
import { useI18n } from "../shared/i18n.ts";
import { sum, times } from "../shared/money.ts";
import { clearCart, setQuantity, useCart } from "./cart.ts";
import { payInvoice } from "./checkout.ts";
import { Price } from "./Price.tsx";
import type { Store } from "./types.ts";

/** The cart: quantities, a promo code, the buyer's email when the store needs it, and the invoice. */
export function CartPage({ store }: { store: Store }) {
  const { t } = useI18n();
  const lines = useCart(store.id);
  const [promocode, setPromocode] = useState("");
  const [email, setEmail] = useState("");
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const scale = store.currency_data.divisibility;
  const total = sum(
    lines.map((line) => times(line.price, line.quantity, scale)),
    scale,
  );
  const needsEmail = store.checkout_settings.email_required;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setErrors({});
    try {
      await payInvoice(
        {
          store_id: store.id,
          price: total,
          currency: store.default_currency,
          products: Object.fromEntries(lines.map((line) => [line.id, line.quantity])),
          promocode: promocode.trim(),
          buyer_email: email.trim(),
        },
        () => clearCart(store.id),
      );
    } catch (error) {
      setErrors(error instanceof ApiError ? { form: error.message, ...error.fields } : { form: t("error") });
      setBusy(false);
    }
  };

  if (lines.length === 0) return <p className="muted">{t("cart_empty")}</p>;

  return (
    <form className="cart" onSubmit={submit} noValidate>
      <h1>{t("cart")}</h1>
      <ul className="cart-lines">
        {lines.map((line) => (
          <li key={line.id} className="cart-line" data-testid="cart-line">
            <span className="cart-name">{line.name}</span>
            <label className="visually-hidden" htmlFor={`qty-${line.id}`}>
              {t("quantity")}: {line.name}
            </label>
            <input
              id={`qty-${line.id}`}
              className="qty"
              type="number"
              min={0}
              value={line.quantity}
              onChange={(e) => setQuantity(store.id, line.id, Math.max(0, Math.floor(Number(e.target.value) || 0)))}
            />
            <Price amount={times(line.price, line.quantity, scale)} store={store} />
            <button
              type="button"
              className="icon-button"
              aria-label={`${t("remove")}: ${line.name}`}
              onClick={() => setQuantity(store.id, line.id, 0)}
            >
              ✕
            </button>
          </li>
        ))}
      </ul>
      <p className="cart-total">
        {t("total")}: <strong data-testid="cart-total">{<Price amount={total} store={store} />}</strong>
      </p>
      <InputField
        id="promocode"
        label={t("promocode")}
        error={errors.promocode}
        value={promocode}
        onChange={(e) => setPromocode(e.target.value)}
      />
      {needsEmail && (
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
      {errors.form && !errors.buyer_email && !errors.promocode && (
        <p className="error-text" role="alert">
          {errors.form}
        </p>
      )}
      <button className="button wide" type="submit" disabled={busy || (needsEmail && !email.trim())}>
        {t("checkout")}
      </button>
    </form>
  );
}
