import { fromJson } from "../../db/json.ts";
import type { DiscountsTable } from "../../db/tables.ts";

/** Bitcart's DisplayDiscount. */
export function presentDiscount(row: DiscountsTable) {
  return {
    id: row.id,
    user_id: row.user_id,
    name: row.name,
    percent: Number(row.percent),
    end_date: row.end_date,
    description: row.description,
    promocode: row.promocode,
    currencies: row.currencies,
    metadata: fromJson<Record<string, unknown>>(row.metadata, {}),
    created: row.created,
    updated: row.updated,
  };
}

export type DiscountView = ReturnType<typeof presentDiscount>;
