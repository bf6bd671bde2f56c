import type { ChainEvent } from "../../chains/index.ts";
import type { Logger } from "../../kernel/logger.ts";
import type { InvoiceRepository, InvoiceRow } from "./invoice.repository.ts";
import { methodToQuote, policyOf, snapshotColumns, snapshotOf } from "./invoice-mapping.ts";
import { entryToPaymentRow, paymentRowToEntry } from "./invoice-rows.ts";
import { isWatched, nextInvoiceState, nextWakeUp } from "./invoice-state.ts";
import type { InvoiceEvent } from "./invoice-types.ts";
import { applyChainEvents } from "./ledger.ts";

export interface TrackerDeps {
  /** The store's underpaid tolerance (a decimal string), read when an invoice is evaluated. */
  underpaidPercentage(storeId: string | null): Promise<string>;
  /** Side effects of a transition, inside its transaction (outbox rows). */
  onTransition(invoice: InvoiceRow, events: InvoiceEvent[]): Promise<void>;
  /** After the transaction committed: the new state may be pushed to live clients. */
  afterCommit(invoiceId: string): void;
}

const MAX_TIMER_MS = 2_147_483_647;

/**
 * Follows invoices: folds chain events into each invoice's payments ledger, recomputes its state with the pure
 * state machine, and persists both in one transaction. Expiry and the end of monitoring are timers set from
 * `nextWakeUp`, never a database poll. Evaluations of one invoice run one at a time.
 */
export class InvoiceTracker {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly chains = new Map<string, Promise<void>>();
  private stopped = false;

  constructor(
    private readonly invoices: InvoiceRepository,
    private readonly deps: TrackerDeps,
    private readonly logger: Logger,
  ) {}

  /** Chain events from one backend for one currency: every invoice whose method address the event concerns. */
  async onChainEvent(currency: string, event: ChainEvent): Promise<void> {
    if (event.type === "tip") return;
    const script = event.type === "seen" || event.type === "confirmed" ? event.output.script : event.script;
    const methods = await this.invoices.methodsByScript(currency, script);
    for (const invoiceId of new Set(methods.map((m) => m.invoice_id))) {
      await this.evaluate(invoiceId, currency, [event]);
    }
  }

  /** Re-evaluates an invoice (after creation, a manual change, a timer, or at start). */
  refresh(invoiceId: string): Promise<void> {
    return this.evaluate(invoiceId, null, []);
  }

  /** A new invoice: nothing can have been paid yet, so only its expiry needs a timer. */
  track(invoiceId: string, expiresAt: Date): void {
    this.schedule(invoiceId, expiresAt);
  }

  /** At start: every invoice still watched is evaluated, which also sets its timers. */
  async start(): Promise<void> {
    this.stopped = false;
    for (const { id } of await this.invoices.watchedIds(new Date().toISOString())) await this.refresh(id);
  }

  stop(): void {
    this.stopped = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  private evaluate(invoiceId: string, currency: string | null, events: ChainEvent[]): Promise<void> {
    const previous = this.chains.get(invoiceId) ?? Promise.resolve();
    const next = previous
      .then(() => this.evaluateNow(invoiceId, currency, events))
      .catch((err) => this.logger.error({ err, invoiceId }, "invoice evaluation failed"));
    this.chains.set(invoiceId, next);
    void next.finally(() => {
      if (this.chains.get(invoiceId) === next) this.chains.delete(invoiceId);
    });
    return next;
  }

  private async evaluateNow(invoiceId: string, currency: string | null, events: ChainEvent[]): Promise<void> {
    const now = new Date();
    let wake: Date | null = null;
    let changed = false;
    await this.invoices.db.transaction(async () => {
      const row = await this.invoices.findForUpdate(invoiceId);
      if (!row) return;
      const methods = await this.invoices.methods([invoiceId]);
      const payments = await this.invoices.payments([invoiceId]);
      const policy = policyOf(row, methods, await this.deps.underpaidPercentage(row.store_id));
      let ledger = payments.map(paymentRowToEntry);
      if (currency && events.length) {
        const update = applyChainEvents(ledger, events, {
          currency,
          methods: methods.map(methodToQuote),
          expiresAt: policy.expiresAt,
          now,
        });
        ledger = [...update.ledger];
        const stamp = now.toISOString();
        await this.invoices.upsertPayments(update.changed.map((entry) => entryToPaymentRow(invoiceId, entry, stamp)));
        changed = update.changed.length > 0;
      }
      const snapshot = snapshotOf(row, methods);
      const transition = nextInvoiceState(snapshot, ledger, policy, now);
      const columns = snapshotColumns(transition.state, methods);
      await this.invoices.setState(invoiceId, { ...columns, updated: now.toISOString() });
      if (transition.state.paymentMethodId !== snapshot.paymentMethodId) {
        await this.invoices.markUsedMethod(invoiceId, transition.state.paymentMethodId);
      }
      if (transition.events.length) {
        changed = true;
        await this.deps.onTransition({ ...row, ...columns } as InvoiceRow, transition.events);
      }
      wake = isWatched(transition.state, now) ? nextWakeUp(transition.state, ledger, policy, now) : null;
    });
    if (changed) this.deps.afterCommit(invoiceId);
    this.schedule(invoiceId, wake);
  }

  private schedule(invoiceId: string, at: Date | null): void {
    const existing = this.timers.get(invoiceId);
    if (existing) clearTimeout(existing);
    this.timers.delete(invoiceId);
    if (!at || this.stopped) return;
    const delay = Math.min(Math.max(0, at.getTime() - Date.now()) + 5, MAX_TIMER_MS);
    const timer = setTimeout(() => {
      this.timers.delete(invoiceId);
      void this.refresh(invoiceId);
    }, delay);
    timer.unref();
    this.timers.set(invoiceId, timer);
  }
}
