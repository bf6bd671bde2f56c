/**
 * The invoice state machine: a pure function of (invoice snapshot, payments ledger, policy, now). The status is
 * recomputed from the ledger every time; only manual overrides (mark_complete, mark_invalid, refunded) stick.
 *
 * Rules, in order (per-method amounts are base units; methods are never added together):
 * 1. Accounting per method: sent = Σ counting entries (replaced ones never count); threshold =
 *    ceil(amount × (100 − underpaid_percentage) / 100), exact.
 * 2. The paid method: among methods whose sent reached the threshold, the one that reached it first (then display
 *    order); otherwise the one with the largest fraction sent/amount (then earliest payment, then display order).
 * 3. Nothing counting: `pending` before expiry; afterwards `invalid` + `failed_confirm` if a payment was lost to a
 *    replacement/double-spend, else `expired`.
 * 4. sent < threshold (partial): `pending` + `paid_partial` before expiry; a partial payment does not stop expiry
 *    (Bitcart and BTCPay both expire it). After expiry: `invalid` + `failed_confirm` if a payment was lost, else
 *    `expired` + `paid_late` when some of the money arrived after expiry, else `expired` + `paid_partial`.
 * 5. sent ≥ threshold: the confirmation level is the largest k such that entries with ≥ k confirmations cover the
 *    threshold (extra unconfirmed money never holds a covered invoice back). Level ≥ required → `complete`
 *    (required 0: complete at first sight), level ≥ 1 → `confirmed`, else `paid`. Exception: `paid_late` when the
 *    money seen before expiry does not cover the threshold, else `paid_over` when sent > amount, else `none` (an
 *    underpayment within the tolerance is `none`, unlike Bitcart's `paid_over` quirk). Reaching the threshold before
 *    expiry, even unconfirmed, stops expiry for good.
 * 6. Manual overrides replace the status; the exception still follows the ledger.
 *
 * Consequences: a reorg moves `complete`/`confirmed` back down (event `invoice.reorged`); money removed by a
 * replacement moves the invoice back to `pending` before expiry and to `invalid` + `failed_confirm` after it; money
 * that comes back (or arrives late) moves it forward again. Nothing is ever dropped from the ledger.
 */
import { Big, parseDecimal } from "../../kernel/money.ts";
import type {
  ExceptionStatus,
  InvoiceEvent,
  InvoiceEventType,
  InvoicePolicy,
  InvoiceSnapshot,
  InvoiceStatus,
  InvoiceTransition,
  LedgerEntry,
  PaymentMethodQuote,
  PaymentRef,
  StatusPair,
} from "./invoice-types.ts";
import { compareEntries, countingEntries, isCounting, lostEntries } from "./ledger.ts";

/** Reads underpaid_percentage; anything unreadable is 0, and it is kept within [0, 100]. */
function tolerancePercent(value: string): Big {
  const parsed = parseDecimal(value);
  if (!parsed || parsed.lt(0)) return new Big(0);
  return parsed.gt(100) ? new Big(100) : parsed;
}

/** Base units that must be received: amount × (1 − underpaid/100), rounded up (an integer amount must reach it). */
export function dueThreshold(amount: bigint, underpaidPercentage: string): bigint {
  if (amount <= 0n) return 0n;
  const exact = new Big(amount.toString()).times(new Big(100).minus(tolerancePercent(underpaidPercentage))).div(100);
  const threshold = BigInt(exact.round(0, Big.roundUp).toFixed(0));
  // A positive amount is never due for free, whatever the tolerance.
  return threshold > 0n ? threshold : 1n;
}

/**
 * Largest k such that counting entries with ≥ k confirmations cover `threshold`; -1 when they cannot.
 * For one exact payment it is that payment's confirmations.
 */
export function confirmationLevel(entries: readonly LedgerEntry[], threshold: bigint): number {
  const sorted = entries.filter(isCounting).sort((a, b) => b.confirmations - a.confirmations || compareEntries(a, b));
  let covered = 0n;
  for (const entry of sorted) {
    covered += entry.amount;
    if (covered >= threshold) return entry.confirmations;
  }
  return -1;
}

/** One method's accounting over the ledger. */
export interface MethodAccount {
  method: PaymentMethodQuote;
  /** Its position in the policy (display order). */
  index: number;
  entries: LedgerEntry[];
  sent: bigint;
  onTime: bigint;
  threshold: bigint;
  /** First-seen time of the payment that made the running total reach the threshold, in order of sight. */
  reachedAt: string | null;
  firstSeenAt: string | null;
  /** See confirmationLevel; -1 when not covered. */
  level: number;
}

export function accountMethod(
  method: PaymentMethodQuote,
  index: number,
  ledger: readonly LedgerEntry[],
  policy: Pick<InvoicePolicy, "underpaidPercentage">,
): MethodAccount {
  const entries = countingEntries(ledger, method.id);
  const threshold = dueThreshold(method.amount, policy.underpaidPercentage);
  let sent = 0n;
  let onTime = 0n;
  let reachedAt: string | null = null;
  for (const entry of entries) {
    sent += entry.amount;
    if (entry.seenBeforeExpiry) onTime += entry.amount;
    if (reachedAt === null && sent >= threshold) reachedAt = entry.seenAt;
  }
  return {
    method,
    index,
    entries,
    sent,
    onTime,
    threshold,
    reachedAt,
    firstSeenAt: entries[0]?.seenAt ?? null,
    level: confirmationLevel(entries, threshold),
  };
}

/** Rule 2: the method the invoice is paid (or being paid) with; null when no method has counting money. */
export function choosePaymentMethod(accounts: readonly MethodAccount[]): MethodAccount | null {
  const candidates = accounts.filter((a) => a.entries.length > 0);
  const reached = candidates.filter((a) => a.reachedAt !== null);
  if (reached.length > 0) {
    return reached.reduce((best, a) => (a.reachedAt! < best.reachedAt! ? a : best));
  }
  let best: MethodAccount | null = null;
  for (const a of candidates) {
    if (!best) {
      best = a;
      continue;
    }
    // Compare sent/amount exactly: a.sent × best.amount against best.sent × a.amount.
    const left = a.sent * best.method.amount;
    const right = best.sent * a.method.amount;
    if (left > right || (left === right && a.firstSeenAt! < best.firstSeenAt!)) best = a;
  }
  return best;
}

/** What the ledger alone says at `now` (rules 1–5), before manual overrides. */
export interface Evaluation {
  status: InvoiceStatus;
  exceptionStatus: ExceptionStatus;
  account: MethodAccount | null;
  /** Payments lost to a replacement or double-spend (never superseded by one paying the invoice). */
  lost: LedgerEntry[];
}

export function evaluateLedger(ledger: readonly LedgerEntry[], policy: InvoicePolicy, now: Date): Evaluation {
  const accounts = policy.methods.map((m, i) => accountMethod(m, i, ledger, policy));
  const account = choosePaymentMethod(accounts);
  const known = new Set(policy.methods.map((m) => m.id));
  const lost = lostEntries(ledger).filter((e) => known.has(e.methodId));
  const expired = now.getTime() >= policy.expiresAt.getTime();
  const failed = (): Evaluation => ({ status: "invalid", exceptionStatus: "failed_confirm", account, lost });

  if (!account) {
    if (!expired) return { status: "pending", exceptionStatus: "none", account, lost };
    return lost.length > 0 ? failed() : { status: "expired", exceptionStatus: "none", account, lost };
  }
  if (account.sent < account.threshold) {
    if (!expired) return { status: "pending", exceptionStatus: "paid_partial", account, lost };
    if (lost.length > 0) return failed();
    const late = account.entries.some((e) => !e.seenBeforeExpiry);
    return { status: "expired", exceptionStatus: late ? "paid_late" : "paid_partial", account, lost };
  }
  const required = Math.max(0, account.method.confirmationsRequired);
  const status: InvoiceStatus = account.level >= required ? "complete" : account.level >= 1 ? "confirmed" : "paid";
  const exceptionStatus: ExceptionStatus =
    account.onTime < account.threshold ? "paid_late" : account.sent > account.method.amount ? "paid_over" : "none";
  return { status, exceptionStatus, account, lost };
}

/** Bitcart's tx_hashes: transactions with a counting output to the invoice, in order of first sight, once each. */
function countingTxids(ledger: readonly LedgerEntry[], known: ReadonlySet<string>): string[] {
  const txids: string[] = [];
  for (const entry of countingEntries(ledger)) {
    if (known.has(entry.methodId) && !txids.includes(entry.txid)) txids.push(entry.txid);
  }
  return txids;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** Open invoices are watched with no end set; money still in flight keeps any invoice open. */
function isOpen(status: InvoiceStatus, overridden: boolean, ledger: readonly LedgerEntry[], known: Set<string>) {
  if (status === "pending" || status === "paid" || status === "confirmed") return true;
  return !overridden && ledger.some((e) => isCounting(e) && known.has(e.methodId) && e.confirmations === 0);
}

/**
 * Computes the invoice's next state and the events of the transition. Idempotent: rerun on its own output, it
 * returns the same state and no events.
 */
export function nextInvoiceState(
  invoice: InvoiceSnapshot,
  ledger: readonly LedgerEntry[],
  policy: InvoicePolicy,
  now: Date,
): InvoiceTransition {
  const evaluation = evaluateLedger(ledger, policy, now);
  const known = new Set(policy.methods.map((m) => m.id));
  const override = invoice.override;
  const account = evaluation.account;

  let paymentMethodId = account?.method.id ?? null;
  let paidCurrency = account?.method.currency ?? null;
  let sentAmount = account?.sent ?? 0n;
  if (override?.paymentMethodId) {
    const method = policy.methods.find((m) => m.id === override.paymentMethodId);
    if (method) {
      paymentMethodId = method.id;
      paidCurrency = method.currency;
      sentAmount = countingEntries(ledger, method.id).reduce((t, e) => t + e.amount, 0n);
    }
  }
  if (override && override.sentAmount !== undefined && override.sentAmount !== null) sentAmount = override.sentAmount;

  const status: InvoiceStatus = override ? override.status : evaluation.status;
  const exceptionStatus = evaluation.exceptionStatus;

  let paidDate: string | null = null;
  if (override) {
    paidDate =
      override.status === "complete"
        ? (account?.reachedAt ?? invoice.paidDate ?? override.at)
        : override.status === "refunded"
          ? invoice.paidDate
          : null;
  } else if (evaluation.status === "paid" || evaluation.status === "confirmed" || evaluation.status === "complete") {
    paidDate = account?.reachedAt ?? null;
  }

  // Closed invoices are watched for the monitoring window after expiry or after the status they reached, whichever
  // ends later; the end is set once per status, so a rerun keeps it.
  let monitoredUntil: string | null = null;
  if (!isOpen(status, override !== null, ledger, known)) {
    const previous = invoice.monitoredUntil === null ? null : Date.parse(invoice.monitoredUntil);
    const window = Math.max(0, policy.monitoringWindowMs);
    const end = Math.max(policy.expiresAt.getTime(), now.getTime()) + window;
    monitoredUntil =
      previous !== null && invoice.status === status ? invoice.monitoredUntil : iso(Math.max(previous ?? end, end));
  }

  const state: InvoiceSnapshot = {
    status,
    exceptionStatus,
    sentAmount,
    paidCurrency,
    paymentMethodId,
    paidDate,
    txHashes: countingTxids(ledger, known),
    monitoredUntil,
    override,
  };
  const method = policy.methods.find((m) => m.id === paymentMethodId) ?? null;
  const events = transitionEvents(invoice, state, ledger, known, evaluation, method);
  return { state, events };
}

const RANK: Record<InvoiceStatus, number> = {
  pending: 0,
  expired: 0,
  invalid: 0,
  refunded: 0,
  paid: 1,
  confirmed: 2,
  complete: 3,
};

const paymentRef = (e: LedgerEntry): PaymentRef => ({
  methodId: e.methodId,
  currency: e.currency,
  txid: e.txid,
  vout: e.vout,
  amount: e.amount,
  confirmations: e.confirmations,
  state: e.state,
  seenBeforeExpiry: e.seenBeforeExpiry,
});

/**
 * Events in a fixed order: payments replaced, payments received, reorg, status change, milestones reached
 * (paid, confirmed, complete, or expired / invalid / refunded), paid late, partial payment.
 */
function transitionEvents(
  before: InvoiceSnapshot,
  after: InvoiceSnapshot,
  ledger: readonly LedgerEntry[],
  known: ReadonlySet<string>,
  evaluation: Evaluation,
  method: PaymentMethodQuote | null,
): InvoiceEvent[] {
  const from: StatusPair = { status: before.status, exceptionStatus: before.exceptionStatus };
  const to: StatusPair = { status: after.status, exceptionStatus: after.exceptionStatus };
  const amountDue = method?.amount ?? 0n;
  const remaining = amountDue > after.sentAmount ? amountDue - after.sentAmount : 0n;
  const events: InvoiceEvent[] = [];
  const emit = (type: InvoiceEventType, payment?: LedgerEntry) =>
    events.push({
      type,
      from,
      to,
      paymentMethodId: after.paymentMethodId,
      currency: after.paidCurrency,
      sentAmount: after.sentAmount,
      amountDue,
      remaining,
      ...(payment ? { payment: paymentRef(payment) } : {}),
    });

  const entries = [...ledger].filter((e) => known.has(e.methodId)).sort(compareEntries);
  const previous = new Set(before.txHashes);
  const current = new Set(after.txHashes);
  for (const e of entries) {
    if (e.state === "replaced" && previous.has(e.txid) && !current.has(e.txid)) emit("invoice.payment_replaced", e);
  }
  for (const e of entries) {
    if (isCounting(e) && !previous.has(e.txid)) emit("invoice.payment_received", e);
  }

  const rankBefore = RANK[before.status];
  const rankAfter = RANK[after.status];
  if (rankBefore > 0 && rankAfter > 0 && rankAfter < rankBefore) emit("invoice.reorged");

  const statusChanged = before.status !== after.status;
  if (statusChanged || before.exceptionStatus !== after.exceptionStatus) emit("invoice.status_changed");

  if (statusChanged) {
    if (after.override) {
      if (after.status === "complete") emit("invoice.complete");
    } else if (rankAfter > rankBefore) {
      const level = evaluation.account?.level ?? 0;
      if (rankBefore < 1) emit("invoice.paid");
      if (rankBefore < 2 && level >= 1) emit("invoice.confirmed");
      if (after.status === "complete") emit("invoice.complete");
    }
    if (after.status === "expired") emit("invoice.expired");
    if (after.status === "invalid") emit("invoice.invalid");
    if (after.status === "refunded") emit("invoice.refunded");
  }

  if (after.exceptionStatus === "paid_late" && before.exceptionStatus !== "paid_late") emit("invoice.paid_late");

  // A partial payment (Bitcart's IPN fires on each): the amount received changed and is still short of the due.
  const account = after.override ? null : evaluation.account;
  const partial = account !== null && after.sentAmount > 0n && after.sentAmount < account.threshold;
  if (partial && (before.sentAmount !== after.sentAmount || before.paymentMethodId !== after.paymentMethodId))
    emit("invoice.partial");
  return events;
}

/** Whether the invoice's addresses must still be watched at `now`. */
export function isWatched(invoice: Pick<InvoiceSnapshot, "monitoredUntil">, now: Date): boolean {
  return invoice.monitoredUntil === null || now.getTime() < Date.parse(invoice.monitoredUntil);
}

const sameSnapshot = (a: InvoiceSnapshot, b: InvoiceSnapshot) =>
  a.status === b.status &&
  a.exceptionStatus === b.exceptionStatus &&
  a.sentAmount === b.sentAmount &&
  a.paidCurrency === b.paidCurrency &&
  a.paymentMethodId === b.paymentMethodId &&
  a.paidDate === b.paidDate &&
  a.monitoredUntil === b.monitoredUntil &&
  a.txHashes.length === b.txHashes.length &&
  a.txHashes.every((t, i) => t === b.txHashes[i]);

/**
 * When time alone will next change what nextInvoiceState or isWatched says (expiry, end of the monitoring window),
 * for the scheduler. `now` itself when the stored snapshot is already stale; null when only chain events matter.
 */
export function nextWakeUp(
  invoice: InvoiceSnapshot,
  ledger: readonly LedgerEntry[],
  policy: InvoicePolicy,
  now: Date,
): Date | null {
  const { state } = nextInvoiceState(invoice, ledger, policy, now);
  if (!sameSnapshot(invoice, state)) return new Date(now.getTime());
  const candidates: number[] = [];
  const expiry = policy.expiresAt.getTime();
  // Only a pending evaluation depends on the clock (it expires, or fails after a lost payment).
  if (now.getTime() < expiry && evaluateLedger(ledger, policy, now).status === "pending") candidates.push(expiry);
  if (state.monitoredUntil !== null) {
    const end = Date.parse(state.monitoredUntil);
    if (now.getTime() < end) candidates.push(end);
  }
  return candidates.length > 0 ? new Date(Math.min(...candidates)) : null;
}
