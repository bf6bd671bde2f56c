import { formatBaseUnits } from "../../chains/index.ts";
import { fromJson } from "../../db/json.ts";
import type { PayoutRow, RefundRow } from "./payout.repository.ts";

/** Bitcart's payout fields, plus what Till adds: why it failed, what was signed and at which fee rate. */
export function presentPayout(row: PayoutRow, divisibility: number) {
  const units = (value: string | null) => (value === null ? null : formatBaseUnits(BigInt(value), divisibility));
  return {
    id: row.id,
    user_id: row.user_id,
    store_id: row.store_id,
    wallet_id: row.wallet_id,
    amount: row.amount,
    currency: row.currency,
    destination: row.destination,
    status: row.status,
    notification_url: row.notification_url,
    max_fee: row.max_fee,
    tx_hash: row.tx_hash,
    used_fee: row.used_fee,
    failure_reason: row.failure_reason,
    sent_amount: units(row.sent_amount),
    tx_fee: units(row.tx_fee),
    fee_rate: row.fee_rate,
    fee_rate_source: row.fee_rate_source,
    metadata: fromJson(row.metadata, {}),
    created: row.created,
    updated: row.updated,
  };
}

export type PayoutView = ReturnType<typeof presentPayout>;

/** The public refund view: what the customer's refund page shows. */
export function presentRefund(row: RefundRow) {
  return {
    id: row.id,
    amount: row.amount,
    currency: row.currency,
    invoice_id: row.invoice_id,
    wallet_id: row.wallet_id,
    payout_id: row.payout_id,
    destination: row.destination,
    created: row.created,
  };
}

export type RefundView = ReturnType<typeof presentRefund>;
