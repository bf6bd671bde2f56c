import { fromJson, toBool } from "../../db/json.ts";
import { Big, formatDecimal } from "../../kernel/money.ts";
import { formatFiat } from "../../rates/format.ts";
import type { InvoiceRow, MethodRow, PaymentRow } from "./invoice.repository.ts";

const baseToCoin = (units: string, divisibility: number) =>
  new Big(units || "0").div(new Big(10).pow(divisibility)).toFixed(divisibility);

function presentMethod(method: MethodRow, invoiceCurrency: string) {
  return {
    id: method.id,
    wallet_id: method.wallet_id,
    name: method.symbol.toUpperCase(),
    symbol: method.symbol,
    currency: method.currency,
    amount: baseToCoin(method.amount, method.divisibility),
    rate: method.rate,
    rate_str: safeFiat(method.rate, invoiceCurrency),
    discount: method.discount,
    divisibility: method.divisibility,
    payment_address: method.payment_address,
    payment_url: method.payment_url,
    recommended_fee: method.recommended_fee,
    confirmations_required: method.confirmations_required,
    lightning: toBool(method.lightning),
    node_id: method.node_id,
    label: method.label,
    hint: method.hint,
    contract: method.contract,
    user_address: method.user_address,
    chain_id: null,
    is_used: toBool(method.is_used),
    created: method.created,
  };
}

function safeFiat(rate: string, currency: string): string {
  try {
    return formatFiat(rate, currency);
  } catch {
    return rate;
  }
}

function presentPayment(payment: PaymentRow, divisibility: number) {
  return {
    method_id: payment.method_id,
    currency: payment.currency,
    txid: payment.txid,
    vout: payment.vout,
    amount: baseToCoin(payment.amount, divisibility),
    height: payment.height,
    confirmations: payment.confirmations,
    state: payment.state,
    rbf: toBool(payment.rbf),
    replaced_by: payment.replaced_by,
    seen_at: payment.seen_at,
    seen_before_expiry: toBool(payment.seen_before_expiry),
  };
}

/**
 * Bitcart's DisplayInvoice (what its checkout reads), plus Till's payments ledger (`ledger`): every observed
 * output with its confirmations and state. Amounts are decimal strings, never floats.
 */
export function presentInvoice(
  row: InvoiceRow,
  methods: MethodRow[],
  payments: PaymentRow[],
  priceDivisibility: number,
  now: Date,
  refundId: string | null = null,
) {
  const expiresAt = Date.parse(row.expires_at);
  const used = methods.find((m) => m.is_used === 1);
  const divisibilityOf = new Map(methods.map((m) => [m.id, m.divisibility]));
  return {
    id: row.id,
    user_id: row.user_id,
    store_id: row.store_id,
    price: formatDecimal(new Big(row.price), priceDivisibility),
    currency: row.currency,
    paid_currency: row.paid_currency || null,
    status: row.status,
    exception_status: row.exception_status,
    sent_amount: row.sent_amount,
    expiration: row.expiration,
    expiration_seconds: row.expiration * 60,
    time_left: row.status === "pending" ? Math.max(0, Math.floor((expiresAt - now.getTime()) / 1000)) : 0,
    buyer_email: row.buyer_email,
    shipping_address: row.shipping_address,
    notes: row.notes,
    notification_url: row.notification_url,
    redirect_url: row.redirect_url,
    order_id: row.order_id,
    promocode: row.promocode,
    discount: row.discount,
    tx_hashes: fromJson<string[]>(row.tx_hashes, []),
    payment_methods: fromJson<string[]>(row.payment_methods, []),
    products: [] as string[],
    product_names: {} as Record<string, string>,
    product_quantities: {} as Record<string, number>,
    paid_date: row.paid_date,
    payment_id: used?.id ?? null,
    refund_id: refundId,
    payments: methods.map((m) => presentMethod(m, row.currency)),
    ledger: payments.map((p) => presentPayment(p, divisibilityOf.get(p.method_id) ?? 8)),
    metadata: fromJson<Record<string, unknown>>(row.metadata, {}),
    created: row.created,
    updated: row.updated,
  };
}

export type InvoiceView = ReturnType<typeof presentInvoice>;

/** Statuses after which Bitcart's checkout stream sends one message and closes. */
export const FINAL_LIVE_STATUSES = new Set(["complete", "expired", "invalid", "refunded"]);

/** Bitcart's websocket message for an invoice: what its checkout page follows. */
export function liveInvoiceMessage(view: InvoiceView) {
  return {
    status: view.status,
    exception_status: view.exception_status,
    sent_amount: view.sent_amount,
    paid_currency: view.paid_currency,
    payment_id: view.payment_id,
  };
}
