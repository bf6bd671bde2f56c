import { useI18n } from "../shared/i18n.ts";
import { formatMoney } from "../shared/money.ts";
import type { Store } from "./types.ts";

/** A price string in the store's currency, written the way the reader's language writes money. */
export function Price({ amount, store }: { amount: string; store: Store }) {
  const { language } = useI18n();
  const { code, symbol } = store.currency_data;
  return <span className="price">{formatMoney(amount, code, symbol || code, language)}</span>;
}
