import type { Big } from "../../kernel/money.ts";

export interface ApplicableDiscount {
  id: string;
  /** Whole percent, 1..100. */
  percent: number;
  /** Empty: applies without a code. */
  promocode: string;
  /** Comma list of wallet currencies; empty: every currency. */
  currencies: string;
}

/**
 * Bitcart's rule: among the discounts of the invoice's products, those for this payment currency (or for
 * every currency) whose promocode is empty or equals the one given; the largest percent wins.
 */
export function bestDiscount(
  discounts: readonly ApplicableDiscount[],
  currency: string,
  promocode: string,
): ApplicableDiscount | null {
  let best: ApplicableDiscount | null = null;
  for (const discount of discounts) {
    const currencies = discount.currencies.split(",").filter(Boolean);
    if (currencies.length && !currencies.includes(currency.toLowerCase())) continue;
    if (discount.promocode && discount.promocode !== promocode) continue;
    if (!best || discount.percent > best.percent) best = discount;
  }
  return best;
}

/** The price after a whole-percent discount (exact decimal; the caller rounds once, at the coin amount). */
export function discountedPrice(price: Big, discount: ApplicableDiscount | null): Big {
  return discount ? price.times(100 - discount.percent).div(100) : price;
}
