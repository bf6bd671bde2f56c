import { formatDecimal, parseDecimal } from "../../kernel/money.ts";
import { currencyData } from "../stores/index.ts";

/** Without a store (or with a blank currency) prices show two decimals. */
const FALLBACK_PLACES = 2;

/** A stored canonical price as the store's currency shows it, e.g. "9.99" for USD, "1500" for JPY. */
export function formatPrice(price: string, currency: string | null | undefined): string {
  const value = parseDecimal(price);
  if (!value) return price;
  const code = (currency ?? "").trim().toUpperCase();
  return formatDecimal(value, code ? currencyData(code).divisibility : FALLBACK_PLACES);
}
