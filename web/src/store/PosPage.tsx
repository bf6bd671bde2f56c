import { useState } from "react";
import { ApiError } from "../shared/api.ts";
import { useI18n } from "../shared/i18n.ts";
import { formatMoney, isPositive, minus, percentOf, sum, toUnits } from "../shared/money.ts";
import { payInvoice } from "./checkout.ts";
import { typeKey } from "./keypad.ts";
import type { Store } from "./types.ts";

const TIPS = ["0", "10", "15", "20"];
const KEYS = ["1", "2", "3", "4", "5", "6", "7", "8", "9", ".", "0", "⌫"];

/** The point-of-sale keypad: an amount, an optional % discount and tip, and an invoice for the total. */
export function PosPage({ store }: { store: Store }) {
  const { t, language } = useI18n();
  const scale = store.currency_data.divisibility;
  const [typed, setTyped] = useState("");
  const [discount, setDiscount] = useState("");
  const [tip, setTip] = useState("0");
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);

  const amount = typed || "0";
  const validDiscount = toUnits(discount || "0", 2) !== null && (toUnits(discount || "0", 2) ?? 0n) <= 10000n;
  const discounted = minus(amount, percentOf(amount, validDiscount ? discount || "0" : "0", scale), scale);
  const total = sum([discounted, percentOf(discounted, tip, scale)], scale);
  const { code, symbol } = store.currency_data;
  const money = (value: string) => formatMoney(value, code, symbol || code, language);

  const charge = async () => {
    setBusy(true);
    setError("");
    try {
      await payInvoice({ store_id: store.id, price: total, currency: store.default_currency });
    } catch (failure) {
      setError(failure instanceof ApiError ? failure.message : t("error"));
      setBusy(false);
    }
  };

  return (
    <section className="pos" aria-label={t("keypad")}>
      <output className="pos-display" data-testid="pos-amount" aria-live="polite">
        {money(amount)}
      </output>
      <div className="keypad">
        {KEYS.map((key) => (
          <button
            key={key}
            type="button"
            className="key"
            aria-label={key === "⌫" ? t("delete_digit") : key}
            onClick={() => setTyped((current) => typeKey(current, key, scale))}
          >
            {key}
          </button>
        ))}
      </div>
      <button type="button" className="button secondary wide" onClick={() => setTyped("")}>
        {t("clear")}
      </button>
      <div className="field">
        <label htmlFor="pos-discount">{t("discount_percent")}</label>
        <input
          id="pos-discount"
          inputMode="decimal"
          value={discount}
          placeholder="0"
          onChange={(e) => setDiscount(e.target.value)}
          aria-invalid={!validDiscount}
        />
      </div>
      <fieldset className="tips">
        <legend>{t("tip")}</legend>
        {TIPS.map((value) => (
          <label key={value} className={tip === value ? "tip selected" : "tip"}>
            <input
              type="radio"
              name="tip"
              value={value}
              checked={tip === value}
              onChange={() => setTip(value)}
              className="visually-hidden"
            />
            {value === "0" ? t("no_tip") : `${value}%`}
          </label>
        ))}
      </fieldset>
      {error && (
        <p className="error-text" role="alert">
          {error}
        </p>
      )}
      <button
        type="button"
        className="button wide"
        data-testid="pos-charge"
        disabled={busy || !validDiscount || !isPositive(total, scale)}
        onClick={charge}
      >
        {t("charge", { amount: money(total) })}
      </button>
    </section>
  );
}
