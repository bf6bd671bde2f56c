/**
 * Pure conversions between the invoice domain types and their table rows: bigint ↔ integer strings,
 * booleans ↔ 0/1, the manual override ↔ JSON text.
 */
import type { Selectable } from "kysely";
import type { InvoicePaymentsTable } from "../../db/tables.ts";
import type { LedgerEntry, ManualOverride, ManualStatus, PaymentState } from "./invoice-types.ts";
import { PAYMENT_STATES } from "./invoice-types.ts";

export type InvoicePaymentRow = Selectable<InvoicePaymentsTable>;

const INTEGER = /^-?\d+$/;

/** Reads an integer base-unit string; throws on anything else (a corrupt row must not become an amount). */
export function parseBaseUnits(text: string): bigint {
  if (!INTEGER.test(text)) throw new Error(`not an integer amount: ${JSON.stringify(text)}`);
  return BigInt(text);
}

const paymentState = (value: string): PaymentState => {
  if (!(PAYMENT_STATES as readonly string[]).includes(value)) throw new Error(`unknown payment state: ${value}`);
  return value as PaymentState;
};

export function paymentRowToEntry(row: InvoicePaymentRow): LedgerEntry {
  return {
    methodId: row.method_id,
    currency: row.currency,
    txid: row.txid,
    vout: row.vout,
    script: row.script,
    amount: parseBaseUnits(row.amount),
    height: row.height,
    blockHash: row.block_hash,
    confirmations: row.confirmations,
    state: paymentState(row.state),
    rbf: row.rbf === 1,
    seenAt: row.seen_at,
    seenBeforeExpiry: row.seen_before_expiry === 1,
    replacedBy: row.replaced_by,
  };
}

export function entryToPaymentRow(invoiceId: string, entry: LedgerEntry, updated: string): InvoicePaymentRow {
  return {
    invoice_id: invoiceId,
    method_id: entry.methodId,
    currency: entry.currency,
    txid: entry.txid,
    vout: entry.vout,
    script: entry.script,
    amount: entry.amount.toString(),
    height: entry.height,
    block_hash: entry.blockHash,
    confirmations: entry.confirmations,
    state: entry.state,
    rbf: entry.rbf ? 1 : 0,
    replaced_by: entry.replacedBy,
    seen_at: entry.seenAt,
    seen_before_expiry: entry.seenBeforeExpiry ? 1 : 0,
    updated,
  };
}

const MANUAL_STATUSES: readonly ManualStatus[] = ["complete", "invalid", "refunded"];

/** invoices.manual_override: null when none. */
export function encodeOverride(override: ManualOverride | null): string | null {
  if (!override) return null;
  return JSON.stringify({
    status: override.status,
    at: override.at,
    payment_method_id: override.paymentMethodId ?? null,
    sent_amount:
      override.sentAmount === undefined || override.sentAmount === null ? null : override.sentAmount.toString(),
  });
}

/** Reads invoices.manual_override; null for no override or text that is not one. */
export function decodeOverride(text: string | null): ManualOverride | null {
  if (!text) return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (!value || typeof value !== "object") return null;
  const v = value as Record<string, unknown>;
  if (typeof v.status !== "string" || !(MANUAL_STATUSES as readonly string[]).includes(v.status)) return null;
  if (typeof v.at !== "string") return null;
  const sent = typeof v.sent_amount === "string" && INTEGER.test(v.sent_amount) ? BigInt(v.sent_amount) : null;
  return {
    status: v.status as ManualStatus,
    at: v.at,
    paymentMethodId: typeof v.payment_method_id === "string" ? v.payment_method_id : null,
    sentAmount: sent,
  };
}
