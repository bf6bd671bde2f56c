import { fromJson, toJson } from "../../db/json.ts";
import { Big } from "../../kernel/money.ts";
import type { InvoiceRow, MethodRow } from "./invoice.repository.ts";
import { decodeOverride, encodeOverride, parseBaseUnits } from "./invoice-rows.ts";
import type { InvoicePolicy, InvoiceSnapshot, PaymentMethodQuote } from "./invoice-types.ts";
import { DEFAULT_MONITORING_WINDOW_MS } from "./invoice-types.ts";

/** Stored rows ↔ the pure core's shapes. Amounts stay exact: base-unit strings ↔ bigint. */
export function methodToQuote(row: MethodRow): PaymentMethodQuote {
  return {
    id: row.id,
    walletId: row.wallet_id ?? "",
    currency: row.currency,
    amount: parseBaseUnits(row.amount),
    divisibility: row.divisibility,
    address: row.payment_address,
    script: row.script,
    confirmationsRequired: row.confirmations_required,
  };
}

export function snapshotOf(row: InvoiceRow, methods: readonly MethodRow[]): InvoiceSnapshot {
  const used = methods.find((m) => m.is_used === 1) ?? null;
  const divisibility = used?.divisibility ?? 8;
  return {
    status: row.status as InvoiceSnapshot["status"],
    exceptionStatus: row.exception_status as InvoiceSnapshot["exceptionStatus"],
    sentAmount: BigInt(new Big(row.sent_amount || "0").times(new Big(10).pow(divisibility)).toFixed(0)),
    paidCurrency: row.paid_currency || null,
    paymentMethodId: used?.id ?? null,
    paidDate: row.paid_date,
    txHashes: fromJson<string[]>(row.tx_hashes, []),
    monitoredUntil: row.monitored_until,
    override: decodeOverride(row.manual_override),
  };
}

export function policyOf(row: InvoiceRow, methods: readonly MethodRow[], underpaidPercentage: string): InvoicePolicy {
  return {
    methods: methods.map(methodToQuote),
    expiresAt: new Date(row.expires_at),
    monitoringWindowMs: DEFAULT_MONITORING_WINDOW_MS,
    underpaidPercentage,
  };
}

/** The invoice columns a snapshot decides (the paid method is flagged on its method row). */
export function snapshotColumns(state: InvoiceSnapshot, methods: readonly MethodRow[]) {
  const paid = methods.find((m) => m.id === state.paymentMethodId);
  const divisibility = paid?.divisibility ?? 8;
  return {
    status: state.status,
    exception_status: state.exceptionStatus,
    sent_amount: new Big(state.sentAmount.toString()).div(new Big(10).pow(divisibility)).toFixed(),
    paid_currency: state.paidCurrency ?? "",
    paid_date: state.paidDate,
    tx_hashes: toJson(state.txHashes),
    monitored_until: state.monitoredUntil,
    manual_override: encodeOverride(state.override),
  };
}
