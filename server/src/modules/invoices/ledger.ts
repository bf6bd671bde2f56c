/**
 * The payments ledger: every output observed paying an invoice address, keyed by (method, txid, vout). Pure
 * functions fold chain events into it; inputs are never mutated. Applying the same event twice changes nothing, so
 * a backend's at-least-once delivery is harmless.
 *
 * Callers should fold a whole batch of backend events (applyChainEvents) before evaluating the invoice: an RBF
 * replacement arrives as `replaced` (old) then `seen` (new), and evaluating in between would show the money gone
 * for an instant.
 */
import type { ChainEvent, ObservedOutput } from "../../chains/ports.ts";
import type { LedgerEntry, PaymentMethodQuote } from "./invoice-types.ts";

export interface LedgerContext {
  /** Currency of the backend that emitted the events: scripts are only unique within one chain. */
  currency: string;
  /** The invoice's payment methods; events for scripts outside them are ignored. */
  methods: readonly PaymentMethodQuote[];
  expiresAt: Date;
  /** Time of observation: recorded as the first-seen time of new entries. */
  now: Date;
}

export interface LedgerUpdate {
  ledger: LedgerEntry[];
  /** The new versions of the entries inserted or modified, in order (to persist); empty when nothing changed. */
  changed: LedgerEntry[];
}

export const ledgerKey = (entry: Pick<LedgerEntry, "methodId" | "txid" | "vout">): string =>
  `${entry.methodId}:${entry.txid}:${entry.vout}`;

const sameCurrency = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** The invoice's method paid by `script` on the `currency` chain. */
export function findMethod(
  methods: readonly PaymentMethodQuote[],
  currency: string,
  script: string,
): PaymentMethodQuote | undefined {
  const hex = script.toLowerCase();
  return methods.find((m) => sameCurrency(m.currency, currency) && m.script.toLowerCase() === hex);
}

/** Whether the entry's money counts towards the invoice: everything except replaced outputs. */
export const isCounting = (entry: LedgerEntry): boolean => entry.state !== "replaced";

/** Stable order: first sight, then method, txid, vout. */
export function compareEntries(a: LedgerEntry, b: LedgerEntry): number {
  if (a.seenAt !== b.seenAt) return a.seenAt < b.seenAt ? -1 : 1;
  if (a.methodId !== b.methodId) return a.methodId < b.methodId ? -1 : 1;
  if (a.txid !== b.txid) return a.txid < b.txid ? -1 : 1;
  return a.vout - b.vout;
}

export const sortLedger = (ledger: readonly LedgerEntry[]): LedgerEntry[] => [...ledger].sort(compareEntries);

/** Counting entries, of one method when `methodId` is given, in stable order. */
export function countingEntries(ledger: readonly LedgerEntry[], methodId?: string): LedgerEntry[] {
  return sortLedger(ledger.filter((e) => isCounting(e) && (methodId === undefined || e.methodId === methodId)));
}

const sum = (entries: readonly LedgerEntry[]) => entries.reduce((total, e) => total + e.amount, 0n);

/** Base units received in one method, replaced outputs left out. */
export const sumActive = (ledger: readonly LedgerEntry[], methodId: string): bigint =>
  sum(countingEntries(ledger, methodId));

/** The part of sumActive seen before the invoice expired. */
export const sumOnTime = (ledger: readonly LedgerEntry[], methodId: string): bigint =>
  sum(countingEntries(ledger, methodId).filter((e) => e.seenBeforeExpiry));

/** A replaced entry whose replacement pays the invoice too (an RBF bump to the same address): no money lost. */
export function isSuperseded(entry: LedgerEntry, ledger: readonly LedgerEntry[]): boolean {
  if (entry.state !== "replaced" || entry.replacedBy === null) return false;
  return ledger.some((e) => isCounting(e) && e.txid === entry.replacedBy && sameCurrency(e.currency, entry.currency));
}

/** Replaced entries whose money did not come back through their replacement: payments that failed to confirm. */
export const lostEntries = (ledger: readonly LedgerEntry[]): LedgerEntry[] =>
  sortLedger(ledger.filter((e) => e.state === "replaced" && !isSuperseded(e, ledger)));

/** Folds one chain event into the ledger. */
export function applyChainEvent(ledger: readonly LedgerEntry[], event: ChainEvent, ctx: LedgerContext): LedgerUpdate {
  switch (event.type) {
    case "seen":
      return upsertOutput(ledger, event.output, null, ctx);
    case "confirmed":
      return upsertOutput(ledger, event.output, Math.max(0, event.confirmations), ctx);
    case "replaced":
      return markReplaced(ledger, event.txid, event.vout, event.script, event.byTxid, ctx);
    case "orphaned":
      return markOrphaned(ledger, event.txid, event.vout, event.script, event.height, ctx);
    case "tip":
      return unchanged(ledger);
  }
}

/** Folds events in order; `changed` holds each touched entry once, in its final version. */
export function applyChainEvents(
  ledger: readonly LedgerEntry[],
  events: readonly ChainEvent[],
  ctx: LedgerContext,
): LedgerUpdate {
  let current: LedgerEntry[] = [...ledger];
  const changed = new Map<string, LedgerEntry>();
  for (const event of events) {
    const update = applyChainEvent(current, event, ctx);
    current = update.ledger;
    for (const entry of update.changed) {
      changed.delete(ledgerKey(entry));
      changed.set(ledgerKey(entry), entry);
    }
  }
  return { ledger: current, changed: [...changed.values()] };
}

const unchanged = (ledger: readonly LedgerEntry[]): LedgerUpdate => ({ ledger: [...ledger], changed: [] });

function replaceEntries(ledger: readonly LedgerEntry[], updates: readonly LedgerEntry[]): LedgerUpdate {
  if (updates.length === 0) return unchanged(ledger);
  const byKey = new Map(updates.map((e) => [ledgerKey(e), e]));
  const next = ledger.map((e) => byKey.get(ledgerKey(e)) ?? e);
  const known = new Set(ledger.map(ledgerKey));
  for (const e of updates) if (!known.has(ledgerKey(e))) next.push(e);
  return { ledger: next, changed: [...updates] };
}

const sameEntry = (a: LedgerEntry, b: LedgerEntry) =>
  a.state === b.state &&
  a.height === b.height &&
  a.blockHash === b.blockHash &&
  a.confirmations === b.confirmations &&
  a.seenBeforeExpiry === b.seenBeforeExpiry &&
  a.replacedBy === b.replacedBy &&
  a.amount === b.amount &&
  a.rbf === b.rbf;

const find = (ledger: readonly LedgerEntry[], methodId: string, txid: string, vout: number) =>
  ledger.find((e) => e.methodId === methodId && e.txid === txid && e.vout === vout);

/** A new payment replacing one seen before expiry keeps its on-time standing (a fee bump after expiry is not late). */
const replacesOnTimePayment = (ledger: readonly LedgerEntry[], currency: string, txid: string) =>
  ledger.some(
    (e) => e.state === "replaced" && e.replacedBy === txid && e.seenBeforeExpiry && sameCurrency(e.currency, currency),
  );

/**
 * `seen` (confirmations null) and `confirmed` (a count) for an output paying the invoice.
 * - Unknown output: a new entry (a `confirmed` for an output never seen records it all the same).
 * - Replaced output seen again (its conflict lost, e.g. after a reorg): it counts again.
 * - `seen` of a known output: only news matters (now in a block); the same observation twice changes nothing, and
 *   a mempool sighting never overrides a block (a reorg arrives as `orphaned`).
 * - `confirmed`: height, block and count as reported.
 */
function upsertOutput(
  ledger: readonly LedgerEntry[],
  output: ObservedOutput,
  confirmations: number | null,
  ctx: LedgerContext,
): LedgerUpdate {
  const method = findMethod(ctx.methods, ctx.currency, output.script);
  if (!method) return unchanged(ledger);
  const existing = find(ledger, method.id, output.txid, output.vout);
  const inBlock = output.height !== null;
  if (!existing) {
    const count = confirmations ?? (inBlock ? 1 : 0);
    const entry: LedgerEntry = {
      methodId: method.id,
      currency: method.currency,
      txid: output.txid,
      vout: output.vout,
      script: output.script,
      amount: output.amount,
      height: output.height,
      blockHash: output.blockHash,
      confirmations: count,
      state: count > 0 || inBlock ? "confirmed" : "mempool",
      rbf: output.rbf,
      seenAt: ctx.now.toISOString(),
      seenBeforeExpiry:
        ctx.now.getTime() < ctx.expiresAt.getTime() || replacesOnTimePayment(ledger, method.currency, output.txid),
      replacedBy: null,
    };
    return replaceEntries(ledger, [entry]);
  }
  let next: LedgerEntry;
  if (confirmations !== null) {
    const confirmedNow = confirmations > 0;
    next = {
      ...existing,
      height: output.height ?? existing.height,
      blockHash: output.blockHash ?? existing.blockHash,
      confirmations,
      state: confirmedNow ? "confirmed" : existing.state === "orphaned" ? "orphaned" : "mempool",
      replacedBy: null,
    };
  } else if (existing.state === "replaced") {
    next = {
      ...existing,
      height: output.height,
      blockHash: output.blockHash,
      confirmations: inBlock ? 1 : 0,
      state: inBlock ? "confirmed" : "mempool",
      replacedBy: null,
    };
  } else if (inBlock && (existing.height !== output.height || existing.blockHash !== output.blockHash)) {
    next = {
      ...existing,
      height: output.height,
      blockHash: output.blockHash,
      confirmations: existing.height === null ? Math.max(1, existing.confirmations) : existing.confirmations,
      state: "confirmed",
    };
  } else {
    return unchanged(ledger);
  }
  return sameEntry(existing, next) ? unchanged(ledger) : replaceEntries(ledger, [next]);
}

/** The output's transaction lost to a conflicting one: its money no longer counts. */
function markReplaced(
  ledger: readonly LedgerEntry[],
  txid: string,
  vout: number,
  script: string,
  byTxid: string | null,
  ctx: LedgerContext,
): LedgerUpdate {
  const method = findMethod(ctx.methods, ctx.currency, script);
  if (!method) return unchanged(ledger);
  const existing = find(ledger, method.id, txid, vout);
  if (!existing) return unchanged(ledger);
  if (existing.state === "replaced") {
    // Redelivery; only learn the conflicting txid if it was unknown.
    if (existing.replacedBy !== null || byTxid === null) return unchanged(ledger);
  }
  const updates: LedgerEntry[] = [
    {
      ...existing,
      state: "replaced",
      height: null,
      blockHash: null,
      confirmations: 0,
      replacedBy: byTxid ?? existing.replacedBy,
    },
  ];
  // The replacement may have been seen first (after expiry): it inherits the on-time standing.
  if (existing.seenBeforeExpiry && byTxid !== null) {
    for (const e of ledger) {
      if (e.txid === byTxid && !e.seenBeforeExpiry && sameCurrency(e.currency, existing.currency))
        updates.push({ ...e, seenBeforeExpiry: true });
    }
  }
  return replaceEntries(ledger, updates);
}

/** The block holding the output was disconnected: unconfirmed again, still counting. */
function markOrphaned(
  ledger: readonly LedgerEntry[],
  txid: string,
  vout: number,
  script: string,
  height: number,
  ctx: LedgerContext,
): LedgerUpdate {
  const method = findMethod(ctx.methods, ctx.currency, script);
  if (!method) return unchanged(ledger);
  const existing = find(ledger, method.id, txid, vout);
  // Unknown, replaced, already unconfirmed, or recorded in another block since (a stale redelivery): nothing to do.
  if (!existing || existing.state === "replaced" || existing.height === null || existing.height !== height)
    return unchanged(ledger);
  return replaceEntries(ledger, [{ ...existing, state: "orphaned", height: null, blockHash: null, confirmations: 0 }]);
}
