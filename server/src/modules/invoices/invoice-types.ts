/**
 * The invoice's pure vocabulary: statuses, the payments ledger, the policy it is judged by and the snapshot the
 * state machine reads and writes. Crypto amounts are bigint base units; times read from storage are ISO-8601 UTC
 * text, `now` is a Date handed in by the caller.
 */

/** Bitcart's invoice statuses. */
export const INVOICE_STATUSES = ["pending", "paid", "confirmed", "complete", "expired", "invalid", "refunded"] as const;
export type InvoiceStatus = (typeof INVOICE_STATUSES)[number];

/** Bitcart's exception statuses, plus `paid_late` (BTCPay's PaidLate). */
export const EXCEPTION_STATUSES = ["none", "paid_partial", "paid_over", "paid_late", "failed_confirm"] as const;
export type ExceptionStatus = (typeof EXCEPTION_STATUSES)[number];

/**
 * State of one ledger entry:
 * - `mempool`: unconfirmed, counts;
 * - `confirmed`: in a block of the best chain, counts;
 * - `orphaned`: its block was disconnected by a reorganisation; unconfirmed again, still counts (its transaction
 *   normally returns to the mempool; if a conflicting one wins instead, the backend reports it `replaced`);
 * - `replaced`: another transaction spent its inputs (RBF or double-spend); never counts.
 */
export const PAYMENT_STATES = ["mempool", "confirmed", "orphaned", "replaced"] as const;
export type PaymentState = (typeof PAYMENT_STATES)[number];

/** Statuses in which the full amount is (or was declared) received: Bitcart's "paid" group. */
export const PAID_STATUSES: readonly InvoiceStatus[] = ["paid", "confirmed", "complete"];

export const isPaidStatus = (status: InvoiceStatus): boolean => PAID_STATUSES.includes(status);

/** BTCPay's default monitoring window after expiry (late payments are still recorded during it). */
export const DEFAULT_MONITORING_WINDOW_MS = 24 * 60 * 60 * 1000;

/** One way to pay an invoice: a wallet, a fresh address, an amount locked at creation. */
export interface PaymentMethodQuote {
  /** The payment method's id (invoice_payment_methods.id). */
  id: string;
  walletId: string;
  /** Lower-case coin code, as the chain backends name it ("btc", "ltc"). */
  currency: string;
  /** Full amount due in base units, before any underpaid tolerance. */
  amount: bigint;
  divisibility: number;
  address: string;
  /** Hex scriptPubKey of `address`: what the chain backends report. */
  script: string;
  /** Confirmations needed for `complete`, resolved at creation (see resolveConfirmationsRequired). */
  confirmationsRequired: number;
}

/** One observed output paying an invoice address. Identity: (methodId, txid, vout). */
export interface LedgerEntry {
  methodId: string;
  currency: string;
  txid: string;
  vout: number;
  script: string;
  amount: bigint;
  height: number | null;
  blockHash: string | null;
  confirmations: number;
  state: PaymentState;
  rbf: boolean;
  /** First sight, ISO-8601 UTC. Never changes afterwards. */
  seenAt: string;
  /** Seen before the invoice expired (or replaces a payment that was). */
  seenBeforeExpiry: boolean;
  /** The conflicting transaction, when `replaced` and the backend knows it. */
  replacedBy: string | null;
}

export interface InvoicePolicy {
  /** The invoice's payment methods, in display order (the order breaks ties). */
  methods: readonly PaymentMethodQuote[];
  expiresAt: Date;
  /** How long after expiry (or after a final status) addresses stay watched. */
  monitoringWindowMs: number;
  /** Store's underpaid_percentage, an exact decimal string in [0, 100). */
  underpaidPercentage: string;
}

/** Statuses a person can set; they stick whatever the ledger says afterwards. */
export type ManualStatus = "complete" | "invalid" | "refunded";

export interface ManualOverride {
  status: ManualStatus;
  /** When it was set, ISO-8601 UTC. */
  at: string;
  /** Bitcart's mark_complete options: the method and amount the merchant says were paid (off-ledger evidence). */
  paymentMethodId?: string | null;
  sentAmount?: bigint | null;
}

/** What the state machine persists on the invoice (and what the live status shows). */
export interface InvoiceSnapshot {
  status: InvoiceStatus;
  exceptionStatus: ExceptionStatus;
  /** Base units received in the paid method (0 when nothing counts). */
  sentAmount: bigint;
  /** Currency of the paid method, null while nothing counts. */
  paidCurrency: string | null;
  /** Bitcart's payment_id: the method the invoice is paid (or being paid) with. */
  paymentMethodId: string | null;
  /** When the paid method's received amount first reached its due (ISO-8601), null while not paid. */
  paidDate: string | null;
  /** Transactions with a counting output to the invoice (all methods), in order of first sight: Bitcart's tx_hashes. */
  txHashes: string[];
  /** End of watching (ISO-8601); null while the invoice is open (watched with no end set). */
  monitoredUntil: string | null;
  override: ManualOverride | null;
}

/** A freshly created invoice. */
export const initialSnapshot = (): InvoiceSnapshot => ({
  status: "pending",
  exceptionStatus: "none",
  sentAmount: 0n,
  paidCurrency: null,
  paymentMethodId: null,
  paidDate: null,
  txHashes: [],
  monitoredUntil: null,
  override: null,
});

/** Bitcart: the wallet's transaction_speed when set, else the store's; never negative. */
export function resolveConfirmationsRequired(walletSpeed: number | null | undefined, storeSpeed: number): number {
  const speed = walletSpeed ?? storeSpeed;
  return Number.isInteger(speed) && speed > 0 ? speed : 0;
}

export const INVOICE_EVENT_TYPES = [
  "invoice.payment_replaced",
  "invoice.payment_received",
  "invoice.reorged",
  "invoice.status_changed",
  "invoice.paid",
  "invoice.confirmed",
  "invoice.complete",
  "invoice.expired",
  "invoice.invalid",
  "invoice.refunded",
  "invoice.paid_late",
  "invoice.partial",
] as const;
export type InvoiceEventType = (typeof INVOICE_EVENT_TYPES)[number];

export interface StatusPair {
  status: InvoiceStatus;
  exceptionStatus: ExceptionStatus;
}

/** The ledger entry an `invoice.payment_*` event is about. */
export interface PaymentRef {
  methodId: string;
  currency: string;
  txid: string;
  vout: number;
  amount: bigint;
  confirmations: number;
  state: PaymentState;
  seenBeforeExpiry: boolean;
}

export interface InvoiceEvent {
  type: InvoiceEventType;
  /** The whole transition this event belongs to (the same on every event of one evaluation). */
  from: StatusPair;
  to: StatusPair;
  /** The paid method after the transition, and its amounts in base units. */
  paymentMethodId: string | null;
  currency: string | null;
  sentAmount: bigint;
  /** The method's full amount (0 when no method is chosen). */
  amountDue: bigint;
  /** amountDue − sentAmount, floored at 0. */
  remaining: bigint;
  payment?: PaymentRef;
}

export interface InvoiceTransition {
  state: InvoiceSnapshot;
  /** In a fixed order; empty when nothing changed. */
  events: InvoiceEvent[];
}
