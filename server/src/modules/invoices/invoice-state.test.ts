import { describe, expect, it } from "vitest";
import type { ChainEvent, ObservedOutput } from "../../chains/ports.ts";
import {
  accountMethod,
  choosePaymentMethod,
  confirmationLevel,
  dueThreshold,
  isWatched,
  nextInvoiceState,
  nextWakeUp,
} from "./invoice-state.ts";
import {
  DEFAULT_MONITORING_WINDOW_MS,
  type InvoiceEvent,
  type InvoicePolicy,
  type InvoiceSnapshot,
  initialSnapshot,
  type LedgerEntry,
  type ManualOverride,
  type PaymentMethodQuote,
  resolveConfirmationsRequired,
} from "./invoice-types.ts";
import { applyChainEvents } from "./ledger.ts";

const T0 = Date.parse("2025-03-01T12:00:00.000Z");
const at = (minutes: number) => new Date(T0 + minutes * 60_000);
const iso = (minutes: number) => at(minutes).toISOString();
const DAY_MINUTES = 24 * 60;
const EXPIRY = 15;

const AMOUNT = 100_000n;

const quote = (extra: Partial<PaymentMethodQuote> = {}): PaymentMethodQuote => ({
  id: "pm-btc",
  walletId: "w-btc",
  currency: "btc",
  amount: AMOUNT,
  divisibility: 8,
  address: "bcrt1qpay",
  script: "0014aa",
  confirmationsRequired: 1,
  ...extra,
});

const policyOf = (methods: PaymentMethodQuote[], extra: Partial<InvoicePolicy> = {}): InvoicePolicy => ({
  methods,
  expiresAt: at(EXPIRY),
  monitoringWindowMs: DEFAULT_MONITORING_WINDOW_MS,
  underpaidPercentage: "0",
  ...extra,
});

const out = (txid: string, amount: bigint, extra: Partial<ObservedOutput> = {}): ObservedOutput => ({
  txid,
  vout: 0,
  script: "0014aa",
  amount,
  height: null,
  blockHash: null,
  rbf: false,
  ...extra,
});
const mined = (txid: string, amount: bigint, height: number, extra: Partial<ObservedOutput> = {}) =>
  out(txid, amount, { height, blockHash: `h${height}`, ...extra });

const seen = (o: ObservedOutput): ChainEvent => ({ type: "seen", output: o });
const conf = (o: ObservedOutput, confirmations: number): ChainEvent => ({
  type: "confirmed",
  output: o,
  confirmations,
});
const replaced = (txid: string, byTxid: string | null, script = "0014aa", vout = 0): ChainEvent => ({
  type: "replaced",
  txid,
  vout,
  script,
  byTxid,
});
const orphaned = (txid: string, height: number, script = "0014aa", vout = 0): ChainEvent => ({
  type: "orphaned",
  txid,
  vout,
  script,
  height,
});

const types = (events: InvoiceEvent[]) => events.map((e) => e.type);

/**
 * Drives one invoice through chain events and clock ticks, as the invoice service will: fold a batch into the
 * ledger, then evaluate. Every step also checks that evaluating again changes nothing (idempotence).
 */
class Invoice {
  ledger: LedgerEntry[] = [];
  state: InvoiceSnapshot = initialSnapshot();

  constructor(readonly policy: InvoicePolicy) {}

  get status() {
    return [this.state.status, this.state.exceptionStatus];
  }

  /** Chain events of one backend batch observed at `minute` (currency of the first method unless given). */
  chain(minute: number, events: ChainEvent[], currency = this.policy.methods[0]!.currency): InvoiceEvent[] {
    this.ledger = applyChainEvents(this.ledger, events, {
      currency,
      methods: this.policy.methods,
      expiresAt: this.policy.expiresAt,
      now: at(minute),
    }).ledger;
    return this.evaluate(minute);
  }

  /** The scheduler waking the invoice at `minute`. */
  tick(minute: number): InvoiceEvent[] {
    return this.evaluate(minute);
  }

  override(minute: number, override: Omit<ManualOverride, "at">): InvoiceEvent[] {
    this.state = { ...this.state, override: { ...override, at: iso(minute) } };
    return this.evaluate(minute);
  }

  private evaluate(minute: number): InvoiceEvent[] {
    const { state, events } = nextInvoiceState(this.state, this.ledger, this.policy, at(minute));
    const again = nextInvoiceState(state, this.ledger, this.policy, at(minute));
    expect(again.state).toEqual(state);
    expect(again.events).toEqual([]);
    this.state = state;
    return events;
  }
}

describe("dueThreshold", () => {
  it.each([
    [100_000n, "0", 100_000n],
    [100_000n, "5", 95_000n],
    [1001n, "10", 901n], // 900.9 rounds up: 900 base units are short
    [1n, "99.99", 1n],
    [3n, "33.33", 3n], // 2.0001 → 3
    [100n, "abc", 100n],
    [100n, "-5", 100n],
    [100n, "150", 1n],
    [0n, "0", 0n],
  ])("amount %s with %s%% tolerance is due from %s", (amount, percent, expected) => {
    expect(dueThreshold(amount, percent)).toBe(expected);
  });

  it("is exact for amounts far beyond 2^53 (21e14 base units)", () => {
    const amount = 2_100_000_000_000_000n;
    expect(dueThreshold(amount, "0.01")).toBe(2_099_790_000_000_000n);
    const odd = 2_100_000_000_000_001n;
    // ceil(odd × 6667 / 10000) computed with integers.
    const expected = (odd * 6667n + 9999n) / 10000n;
    expect(dueThreshold(odd, "33.33")).toBe(expected);
  });
});

describe("resolveConfirmationsRequired", () => {
  it("takes the wallet's transaction_speed when set, else the store's", () => {
    expect(resolveConfirmationsRequired(3, 1)).toBe(3);
    expect(resolveConfirmationsRequired(0, 6)).toBe(0);
    expect(resolveConfirmationsRequired(null, 6)).toBe(6);
    expect(resolveConfirmationsRequired(undefined, 0)).toBe(0);
    expect(resolveConfirmationsRequired(null, -1)).toBe(0);
  });
});

describe("exact payment through complete", () => {
  it("transaction_speed 0: complete at first sight, watched until the payment confirms", () => {
    const inv = new Invoice(policyOf([quote({ confirmationsRequired: 0 })]));
    const events = inv.chain(2, [seen(out("a", AMOUNT))]);
    expect(inv.status).toEqual(["complete", "none"]);
    expect(types(events)).toEqual([
      "invoice.payment_received",
      "invoice.status_changed",
      "invoice.paid",
      "invoice.complete",
    ]);
    expect(events[0]!.payment).toMatchObject({ txid: "a", amount: AMOUNT, confirmations: 0, seenBeforeExpiry: true });
    expect(events[1]).toMatchObject({
      from: { status: "pending", exceptionStatus: "none" },
      to: { status: "complete", exceptionStatus: "none" },
      paymentMethodId: "pm-btc",
      currency: "btc",
      sentAmount: AMOUNT,
      amountDue: AMOUNT,
      remaining: 0n,
    });
    expect(inv.state).toMatchObject({ paidDate: iso(2), txHashes: ["a"], sentAmount: AMOUNT, paidCurrency: "btc" });
    // Money still in flight: a replacement could still take it away.
    expect(inv.state.monitoredUntil).toBeNull();

    expect(inv.chain(20, [conf(mined("a", AMOUNT, 101), 1)])).toEqual([]);
    expect(inv.status).toEqual(["complete", "none"]);
    // max(expiry, now) + monitoring window.
    expect(inv.state.monitoredUntil).toBe(iso(20 + DAY_MINUTES));
  });

  it("transaction_speed 1: paid in the mempool, complete with the first confirmation", () => {
    const inv = new Invoice(policyOf([quote({ confirmationsRequired: 1 })]));
    expect(types(inv.chain(2, [seen(out("a", AMOUNT))]))).toEqual([
      "invoice.payment_received",
      "invoice.status_changed",
      "invoice.paid",
    ]);
    expect(inv.status).toEqual(["paid", "none"]);
    expect(inv.state.monitoredUntil).toBeNull();

    const events = inv.chain(9, [conf(mined("a", AMOUNT, 101), 1)]);
    expect(types(events)).toEqual(["invoice.status_changed", "invoice.confirmed", "invoice.complete"]);
    expect(events[0]).toMatchObject({ from: { status: "paid" }, to: { status: "complete" } });
    expect(inv.state.paidDate).toBe(iso(2));
    expect(inv.state.monitoredUntil).toBe(iso(EXPIRY + DAY_MINUTES));
  });

  it("transaction_speed 6: paid, confirmed at 1, quiet until 6, then complete", () => {
    const inv = new Invoice(policyOf([quote({ confirmationsRequired: 6 })]));
    inv.chain(2, [seen(out("a", AMOUNT))]);
    expect(inv.status).toEqual(["paid", "none"]);
    expect(types(inv.chain(5, [conf(mined("a", AMOUNT, 101), 1)]))).toEqual([
      "invoice.status_changed",
      "invoice.confirmed",
    ]);
    expect(inv.status).toEqual(["confirmed", "none"]);
    for (let c = 2; c <= 5; c++) {
      expect(inv.chain(5 + c * 10, [conf(mined("a", AMOUNT, 101), c)])).toEqual([]);
      expect(inv.status).toEqual(["confirmed", "none"]);
      expect(isWatched(inv.state, at(5 + c * 10))).toBe(true);
    }
    expect(types(inv.chain(70, [conf(mined("a", AMOUNT, 101), 6)]))).toEqual([
      "invoice.status_changed",
      "invoice.complete",
    ]);
    expect(inv.status).toEqual(["complete", "none"]);
  });

  it("a payment first seen in a block reaches paid and confirmed in one step", () => {
    const inv = new Invoice(policyOf([quote({ confirmationsRequired: 6 })]));
    const events = inv.chain(4, [seen(mined("a", AMOUNT, 101)), conf(mined("a", AMOUNT, 101), 1)]);
    expect(types(events)).toEqual([
      "invoice.payment_received",
      "invoice.status_changed",
      "invoice.paid",
      "invoice.confirmed",
    ]);
    expect(inv.status).toEqual(["confirmed", "none"]);
  });

  it("with speed 1 a payment seen in a block goes straight to complete, announcing each milestone", () => {
    const inv = new Invoice(policyOf([quote({ confirmationsRequired: 1 })]));
    expect(types(inv.chain(4, [seen(mined("a", AMOUNT, 101))]))).toEqual([
      "invoice.payment_received",
      "invoice.status_changed",
      "invoice.paid",
      "invoice.confirmed",
      "invoice.complete",
    ]);
  });
});

describe("partial payments", () => {
  it("two partial payments summing up: pending with what is still due, then paid", () => {
    const inv = new Invoice(policyOf([quote()]));
    const first = inv.chain(2, [seen(out("a", 40_000n))]);
    expect(inv.status).toEqual(["pending", "paid_partial"]);
    expect(types(first)).toEqual(["invoice.payment_received", "invoice.status_changed", "invoice.partial"]);
    expect(first[2]).toMatchObject({ sentAmount: 40_000n, amountDue: AMOUNT, remaining: 60_000n, currency: "btc" });
    expect(inv.state).toMatchObject({ sentAmount: 40_000n, paymentMethodId: "pm-btc", paidDate: null });

    const second = inv.chain(6, [seen(out("b", 60_000n))]);
    expect(inv.status).toEqual(["paid", "none"]);
    expect(types(second)).toEqual(["invoice.payment_received", "invoice.status_changed", "invoice.paid"]);
    expect(second[0]!.payment?.txid).toBe("b");
    expect(inv.state).toMatchObject({ sentAmount: AMOUNT, txHashes: ["a", "b"], paidDate: iso(6) });
  });

  it("a third partial payment announces the new total even though the status does not change", () => {
    const inv = new Invoice(policyOf([quote()]));
    inv.chain(2, [seen(out("a", 10_000n))]);
    const events = inv.chain(3, [seen(out("b", 20_000n))]);
    expect(types(events)).toEqual(["invoice.payment_received", "invoice.partial"]);
    expect(events[1]).toMatchObject({ sentAmount: 30_000n, remaining: 70_000n });
  });

  it("needs every partial payment confirmed before confirmed", () => {
    const inv = new Invoice(policyOf([quote({ confirmationsRequired: 2 })]));
    inv.chain(2, [seen(out("a", 50_000n)), seen(out("b", 50_000n, { vout: 1 }))]);
    inv.chain(5, [conf(mined("a", 50_000n, 101), 1)]);
    expect(inv.status).toEqual(["paid", "none"]);
    inv.chain(9, [conf(mined("a", 50_000n, 101), 2), conf(mined("b", 50_000n, 102, { vout: 1 }), 1)]);
    expect(inv.status).toEqual(["confirmed", "none"]);
    inv.chain(12, [conf(mined("b", 50_000n, 102, { vout: 1 }), 2)]);
    expect(inv.status).toEqual(["complete", "none"]);
  });

  it("a partial payment does not stop expiry: expired + paid_partial", () => {
    const inv = new Invoice(policyOf([quote()]));
    inv.chain(2, [seen(out("a", 40_000n))]);
    expect(nextWakeUp(inv.state, inv.ledger, inv.policy, at(3))).toEqual(at(EXPIRY));
    const events = inv.tick(EXPIRY);
    expect(inv.status).toEqual(["expired", "paid_partial"]);
    expect(types(events)).toEqual(["invoice.status_changed", "invoice.expired"]);
    // The partial payment is still unconfirmed: watched with no end until it confirms.
    expect(inv.state.monitoredUntil).toBeNull();
    inv.chain(EXPIRY + 5, [conf(mined("a", 40_000n, 101), 1)]);
    expect(inv.status).toEqual(["expired", "paid_partial"]);
    expect(inv.state.monitoredUntil).toBe(iso(EXPIRY + 5 + DAY_MINUTES));
  });

  it("the rest arriving after expiry pays the invoice late", () => {
    const inv = new Invoice(policyOf([quote()]));
    inv.chain(2, [seen(out("a", 40_000n))]);
    inv.tick(EXPIRY);
    const events = inv.chain(60, [seen(out("b", 60_000n))]);
    expect(inv.status).toEqual(["paid", "paid_late"]);
    expect(types(events)).toEqual([
      "invoice.payment_received",
      "invoice.status_changed",
      "invoice.paid",
      "invoice.paid_late",
    ]);
    expect(inv.state.monitoredUntil).toBeNull();
  });
});

describe("overpayment and tolerance", () => {
  it("more than the amount is paid_over", () => {
    const inv = new Invoice(policyOf([quote()]));
    const events = inv.chain(2, [seen(out("a", 120_000n))]);
    expect(inv.status).toEqual(["paid", "paid_over"]);
    expect(events[1]).toMatchObject({ sentAmount: 120_000n, remaining: 0n });
  });

  it("an overpayment split over two payments becomes paid_over when the second lands", () => {
    const inv = new Invoice(policyOf([quote()]));
    inv.chain(2, [seen(out("a", AMOUNT))]);
    expect(types(inv.chain(3, [seen(out("b", 1n))]))).toEqual(["invoice.payment_received", "invoice.status_changed"]);
    expect(inv.status).toEqual(["paid", "paid_over"]);
  });

  it("an underpayment within underpaid_percentage is paid with no exception", () => {
    const inv = new Invoice(policyOf([quote()], { underpaidPercentage: "5" }));
    inv.chain(2, [seen(out("a", 95_000n))]);
    expect(inv.status).toEqual(["paid", "none"]);
    expect(inv.state.sentAmount).toBe(95_000n);
  });

  it("one base unit short of the tolerated amount is still partial", () => {
    const inv = new Invoice(policyOf([quote()], { underpaidPercentage: "5" }));
    const events = inv.chain(2, [seen(out("a", 94_999n))]);
    expect(inv.status).toEqual(["pending", "paid_partial"]);
    expect(events.at(-1)).toMatchObject({ type: "invoice.partial", remaining: 5_001n });
  });

  it("extra unconfirmed money does not hold back a covered invoice", () => {
    const inv = new Invoice(policyOf([quote({ confirmationsRequired: 6 })]));
    inv.chain(2, [seen(mined("a", AMOUNT, 101)), conf(mined("a", AMOUNT, 101), 6)]);
    expect(inv.status).toEqual(["complete", "none"]);
    inv.chain(3, [seen(out("b", 10n))]);
    expect(inv.status).toEqual(["complete", "paid_over"]);
  });
});

describe("expiry", () => {
  it("with nothing paid: expired at the expiry instant, watched for the monitoring window, then final", () => {
    const inv = new Invoice(policyOf([quote()]));
    expect(inv.tick(EXPIRY - 1)).toEqual([]);
    expect(nextWakeUp(inv.state, inv.ledger, inv.policy, at(1))).toEqual(at(EXPIRY));
    const events = inv.tick(EXPIRY);
    expect(inv.status).toEqual(["expired", "none"]);
    expect(types(events)).toEqual(["invoice.status_changed", "invoice.expired"]);
    expect(events[0]).toMatchObject({ paymentMethodId: null, currency: null, sentAmount: 0n, amountDue: 0n });

    const end = at(EXPIRY + DAY_MINUTES);
    expect(inv.state.monitoredUntil).toBe(end.toISOString());
    expect(nextWakeUp(inv.state, inv.ledger, inv.policy, at(EXPIRY))).toEqual(end);
    expect(isWatched(inv.state, at(EXPIRY + DAY_MINUTES - 1))).toBe(true);
    expect(isWatched(inv.state, end)).toBe(false);
    expect(nextWakeUp(inv.state, inv.ledger, inv.policy, end)).toBeNull();
    expect(inv.tick(EXPIRY + 2 * DAY_MINUTES)).toEqual([]);
  });

  it("a stale snapshot (expiry passed while nobody evaluated it) asks to run now", () => {
    const inv = new Invoice(policyOf([quote()]));
    expect(nextWakeUp(inv.state, inv.ledger, inv.policy, at(90))).toEqual(at(90));
  });

  it("a payment in the mempool just before expiry stops expiry for good", () => {
    const inv = new Invoice(policyOf([quote({ confirmationsRequired: 1 })]));
    inv.chain(EXPIRY - 0.01, [seen(out("a", AMOUNT))]);
    expect(inv.status).toEqual(["paid", "none"]);
    expect(nextWakeUp(inv.state, inv.ledger, inv.policy, at(EXPIRY - 0.01))).toBeNull();
    expect(inv.tick(EXPIRY)).toEqual([]);
    expect(inv.tick(EXPIRY + 120)).toEqual([]);
    expect(inv.status).toEqual(["paid", "none"]);
    inv.chain(EXPIRY + 130, [conf(mined("a", AMOUNT, 101), 1)]);
    expect(inv.status).toEqual(["complete", "none"]);
  });

  it("a payment after expiry is recorded: the status follows the money, marked paid_late", () => {
    const inv = new Invoice(policyOf([quote({ confirmationsRequired: 1 })]));
    inv.tick(EXPIRY);
    const events = inv.chain(EXPIRY + 30, [seen(out("a", AMOUNT))]);
    expect(inv.status).toEqual(["paid", "paid_late"]);
    expect(types(events)).toEqual([
      "invoice.payment_received",
      "invoice.status_changed",
      "invoice.paid",
      "invoice.paid_late",
    ]);
    expect(events[0]!.payment?.seenBeforeExpiry).toBe(false);
    expect(types(inv.chain(EXPIRY + 40, [conf(mined("a", AMOUNT, 101), 1)]))).toEqual([
      "invoice.status_changed",
      "invoice.confirmed",
      "invoice.complete",
    ]);
    expect(inv.status).toEqual(["complete", "paid_late"]);
    // The window restarts from the late completion.
    expect(inv.state.monitoredUntil).toBe(iso(EXPIRY + 40 + DAY_MINUTES));
  });

  it("a partial payment after expiry: expired + paid_late", () => {
    const inv = new Invoice(policyOf([quote()]));
    inv.tick(EXPIRY);
    const events = inv.chain(EXPIRY + 30, [seen(out("a", 30_000n))]);
    expect(inv.status).toEqual(["expired", "paid_late"]);
    expect(types(events)).toEqual([
      "invoice.payment_received",
      "invoice.status_changed",
      "invoice.paid_late",
      "invoice.partial",
    ]);
    // Money in flight keeps it watched until it confirms.
    expect(inv.state.monitoredUntil).toBeNull();
    inv.chain(EXPIRY + 40, [conf(mined("a", 30_000n, 101), 1)]);
    expect(inv.state.monitoredUntil).toBe(iso(EXPIRY + 40 + DAY_MINUTES));
  });
});

describe("reorganisations", () => {
  it("a reorg after confirmation moves complete back to paid, and the re-mined block completes it again", () => {
    const inv = new Invoice(policyOf([quote({ confirmationsRequired: 1 })]));
    inv.chain(2, [seen(out("a", AMOUNT))]);
    inv.chain(5, [conf(mined("a", AMOUNT, 101), 1)]);
    expect(inv.status).toEqual(["complete", "none"]);

    const events = inv.chain(7, [orphaned("a", 101)]);
    expect(inv.status).toEqual(["paid", "none"]);
    expect(types(events)).toEqual(["invoice.reorged", "invoice.status_changed"]);
    expect(events[0]).toMatchObject({ from: { status: "complete" }, to: { status: "paid" } });
    expect(inv.state.monitoredUntil).toBeNull();
    expect(inv.state.paidDate).toBe(iso(2));

    expect(types(inv.chain(9, [conf(mined("a", AMOUNT, 102), 1)]))).toEqual([
      "invoice.status_changed",
      "invoice.confirmed",
      "invoice.complete",
    ]);
    expect(inv.ledger[0]).toMatchObject({ height: 102, blockHash: "h102" });
  });

  it("with speed 6 a reorg at 3 confirmations moves confirmed back to paid", () => {
    const inv = new Invoice(policyOf([quote({ confirmationsRequired: 6 })]));
    inv.chain(2, [seen(mined("a", AMOUNT, 101)), conf(mined("a", AMOUNT, 101), 3)]);
    expect(inv.status).toEqual(["confirmed", "none"]);
    expect(types(inv.chain(3, [orphaned("a", 101)]))).toEqual(["invoice.reorged", "invoice.status_changed"]);
    expect(inv.status).toEqual(["paid", "none"]);
  });

  it("a conflicting double-spend mined instead: the invoice goes invalid + failed_confirm after expiry", () => {
    const inv = new Invoice(policyOf([quote({ confirmationsRequired: 1 })]));
    inv.chain(2, [seen(out("a", AMOUNT))]);
    inv.chain(5, [conf(mined("a", AMOUNT, 101), 1)]);
    // The block is reorganised away and a conflicting transaction paying elsewhere is mined instead.
    const events = inv.chain(30, [orphaned("a", 101), replaced("a", "evil")]);
    expect(inv.status).toEqual(["invalid", "failed_confirm"]);
    expect(types(events)).toEqual(["invoice.payment_replaced", "invoice.status_changed", "invoice.invalid"]);
    expect(events[0]!.payment).toMatchObject({ txid: "a", state: "replaced", amount: AMOUNT });
    expect(events[1]).toMatchObject({ sentAmount: 0n, paymentMethodId: null, remaining: 0n });
    expect(inv.state).toMatchObject({ txHashes: [], paidDate: null, monitoredUntil: iso(30 + DAY_MINUTES) });
    // The ledger keeps the lost payment.
    expect(inv.ledger).toHaveLength(1);
  });

  it("a double-spend mined before expiry sends the invoice back to pending, and it fails at expiry", () => {
    const inv = new Invoice(policyOf([quote({ confirmationsRequired: 1 })]));
    inv.chain(2, [seen(out("a", AMOUNT))]);
    const events = inv.chain(4, [replaced("a", "evil")]);
    expect(inv.status).toEqual(["pending", "none"]);
    expect(types(events)).toEqual(["invoice.payment_replaced", "invoice.status_changed"]);
    expect(nextWakeUp(inv.state, inv.ledger, inv.policy, at(4))).toEqual(at(EXPIRY));
    expect(types(inv.tick(EXPIRY))).toEqual(["invoice.status_changed", "invoice.invalid"]);
    expect(inv.status).toEqual(["invalid", "failed_confirm"]);
  });

  it("a payment made again after a double-spend pays the invoice", () => {
    const inv = new Invoice(policyOf([quote({ confirmationsRequired: 1 })]));
    inv.chain(2, [seen(out("a", AMOUNT))]);
    inv.chain(4, [replaced("a", "evil")]);
    inv.chain(6, [seen(out("b", AMOUNT))]);
    expect(inv.status).toEqual(["paid", "none"]);
    inv.tick(EXPIRY);
    expect(inv.status).toEqual(["paid", "none"]);
  });
});

describe("replacements", () => {
  it("RBF to the same address (old replaced + new seen in one batch) stays paid", () => {
    const inv = new Invoice(policyOf([quote({ confirmationsRequired: 1 })]));
    inv.chain(2, [seen(out("a", AMOUNT, { rbf: true }))]);
    const events = inv.chain(8, [replaced("a", "b"), seen(out("b", AMOUNT, { rbf: true }))]);
    expect(inv.status).toEqual(["paid", "none"]);
    expect(types(events)).toEqual(["invoice.payment_replaced", "invoice.payment_received"]);
    expect(inv.state.txHashes).toEqual(["b"]);
    expect(inv.state.paidDate).toBe(iso(8));
    inv.chain(9, [conf(mined("b", AMOUNT, 101, { rbf: true }), 1)]);
    expect(inv.status).toEqual(["complete", "none"]);
  });

  it("a fee bump after expiry of a payment seen on time is not late", () => {
    const inv = new Invoice(policyOf([quote({ confirmationsRequired: 1 })]));
    inv.chain(10, [seen(out("a", AMOUNT, { rbf: true }))]);
    inv.chain(EXPIRY + 60, [seen(out("b", AMOUNT, { rbf: true })), replaced("a", "b")]);
    expect(inv.status).toEqual(["paid", "none"]);
    inv.tick(EXPIRY + 61);
    expect(inv.status).toEqual(["paid", "none"]);
  });

  it("a replacement taking the money away after paid: pending before expiry, invalid + failed_confirm after", () => {
    const before = new Invoice(policyOf([quote({ confirmationsRequired: 1 })]));
    before.chain(2, [seen(out("a", AMOUNT, { rbf: true }))]);
    before.chain(5, [replaced("a", "refund-to-self")]);
    expect(before.status).toEqual(["pending", "none"]);

    const after = new Invoice(policyOf([quote({ confirmationsRequired: 1 })]));
    after.chain(2, [seen(out("a", AMOUNT, { rbf: true }))]);
    const events = after.chain(EXPIRY + 5, [replaced("a", "refund-to-self")]);
    expect(after.status).toEqual(["invalid", "failed_confirm"]);
    expect(types(events)).toEqual(["invoice.payment_replaced", "invoice.status_changed", "invoice.invalid"]);
  });

  it("a replacement paying the invoice less turns a paid invoice partial", () => {
    const inv = new Invoice(policyOf([quote()]));
    inv.chain(2, [seen(out("a", AMOUNT, { rbf: true }))]);
    const events = inv.chain(3, [replaced("a", "b"), seen(out("b", 60_000n))]);
    expect(inv.status).toEqual(["pending", "paid_partial"]);
    expect(types(events)).toEqual([
      "invoice.payment_replaced",
      "invoice.payment_received",
      "invoice.status_changed",
      "invoice.partial",
    ]);
  });

  it("a replaced payment that is mined after all counts again (invalid → paid)", () => {
    const inv = new Invoice(policyOf([quote({ confirmationsRequired: 1 })]));
    inv.chain(2, [seen(out("a", AMOUNT))]);
    inv.chain(EXPIRY + 1, [replaced("a", null)]);
    expect(inv.status).toEqual(["invalid", "failed_confirm"]);
    const events = inv.chain(EXPIRY + 2, [seen(mined("a", AMOUNT, 101))]);
    expect(inv.status).toEqual(["complete", "none"]);
    expect(types(events)).toEqual([
      "invoice.payment_received",
      "invoice.status_changed",
      "invoice.paid",
      "invoice.confirmed",
      "invoice.complete",
    ]);
  });
});

describe("manual overrides", () => {
  it("mark_complete sticks whatever the ledger says; payments are still recorded and announced", () => {
    const inv = new Invoice(policyOf([quote()]));
    const events = inv.override(3, { status: "complete" });
    expect(inv.status).toEqual(["complete", "none"]);
    expect(types(events)).toEqual(["invoice.status_changed", "invoice.complete"]);
    expect(inv.state.paidDate).toBe(iso(3));
    expect(inv.state.monitoredUntil).toBe(iso(EXPIRY + DAY_MINUTES));

    expect(inv.tick(EXPIRY)).toEqual([]);
    const payment = inv.chain(EXPIRY + 1, [seen(out("a", 30_000n))]);
    expect(types(payment)).toEqual(["invoice.payment_received", "invoice.status_changed", "invoice.paid_late"]);
    expect(inv.status).toEqual(["complete", "paid_late"]);
    expect(inv.state.sentAmount).toBe(30_000n);
  });

  it("mark_complete can carry the method and amount the merchant declares", () => {
    const inv = new Invoice(policyOf([quote()]));
    inv.override(3, { status: "complete", paymentMethodId: "pm-btc", sentAmount: 77n });
    expect(inv.state).toMatchObject({ paymentMethodId: "pm-btc", paidCurrency: "btc", sentAmount: 77n });
  });

  it("mark_invalid sticks through confirmations", () => {
    const inv = new Invoice(policyOf([quote({ confirmationsRequired: 1 })]));
    inv.chain(2, [seen(out("a", AMOUNT))]);
    expect(types(inv.override(4, { status: "invalid" }))).toEqual(["invoice.status_changed", "invoice.invalid"]);
    expect(inv.status).toEqual(["invalid", "none"]);
    expect(inv.state.paidDate).toBeNull();
    expect(inv.chain(6, [conf(mined("a", AMOUNT, 101), 1)])).toEqual([]);
    expect(inv.status).toEqual(["invalid", "none"]);
  });

  it("refunded sticks and keeps the paid date", () => {
    const inv = new Invoice(policyOf([quote({ confirmationsRequired: 1 })]));
    inv.chain(2, [seen(mined("a", AMOUNT, 101))]);
    expect(types(inv.override(40, { status: "refunded" }))).toEqual(["invoice.status_changed", "invoice.refunded"]);
    expect(inv.status).toEqual(["refunded", "none"]);
    expect(inv.state.paidDate).toBe(iso(2));
    expect(inv.chain(41, [orphaned("a", 101)])).toEqual([]);
    expect(inv.status).toEqual(["refunded", "none"]);
  });
});

describe("several payment methods", () => {
  const btc = quote({ confirmationsRequired: 1 });
  const ltc = quote({
    id: "pm-ltc",
    walletId: "w-ltc",
    currency: "ltc",
    amount: 5_000_000n,
    address: "rltc1q",
    script: "0014aa",
  });

  it("a script shared by two chains is credited to the chain that reported it", () => {
    const inv = new Invoice(policyOf([btc, ltc]));
    inv.chain(2, [seen(out("l", 5_000_000n))], "ltc");
    expect(inv.state).toMatchObject({ status: "paid", paymentMethodId: "pm-ltc", paidCurrency: "ltc" });
    expect(inv.ledger.map((e) => e.methodId)).toEqual(["pm-ltc"]);
  });

  it("the first method to reach its due is the paid one, even if another later holds more", () => {
    const inv = new Invoice(policyOf([btc, ltc]));
    inv.chain(2, [seen(out("l", 5_000_000n))], "ltc");
    inv.chain(3, [seen(out("b", 2n * AMOUNT))], "btc");
    expect(inv.state).toMatchObject({ paymentMethodId: "pm-ltc", sentAmount: 5_000_000n });
    expect(inv.status).toEqual(["paid", "none"]);
  });

  it("while partial, the method with the largest paid fraction is shown", () => {
    const inv = new Invoice(policyOf([btc, ltc]));
    inv.chain(2, [seen(out("b", 30_000n))], "btc"); // 30 %
    inv.chain(3, [seen(out("l", 2_000_000n))], "ltc"); // 40 %
    expect(inv.state).toMatchObject({ paymentMethodId: "pm-ltc", sentAmount: 2_000_000n, paidCurrency: "ltc" });
    expect(inv.status).toEqual(["pending", "paid_partial"]);
  });

  it("ties go to the earlier payment, then to display order", () => {
    const accounts = (ledger: LedgerEntry[]) =>
      [btc, ltc].map((m, i) => accountMethod(m, i, ledger, { underpaidPercentage: "0" }));
    const entry = (methodId: string, currency: string, amount: bigint, minute: number): LedgerEntry => ({
      methodId,
      currency,
      txid: `${methodId}-${minute}`,
      vout: 0,
      script: "0014aa",
      amount,
      height: null,
      blockHash: null,
      confirmations: 0,
      state: "mempool",
      rbf: false,
      seenAt: iso(minute),
      seenBeforeExpiry: true,
      replacedBy: null,
    });
    const halfEach = [entry("pm-ltc", "ltc", 2_500_000n, 1), entry("pm-btc", "btc", 50_000n, 2)];
    expect(choosePaymentMethod(accounts(halfEach))?.method.id).toBe("pm-ltc");
    const sameTime = [entry("pm-ltc", "ltc", 2_500_000n, 1), entry("pm-btc", "btc", 50_000n, 1)];
    expect(choosePaymentMethod(accounts(sameTime))?.method.id).toBe("pm-btc");
    const bothFull = [entry("pm-ltc", "ltc", 5_000_000n, 1), entry("pm-btc", "btc", AMOUNT, 1)];
    expect(choosePaymentMethod(accounts(bothFull))?.method.id).toBe("pm-btc");
    expect(choosePaymentMethod(accounts([]))).toBeNull();
  });
});

describe("confirmationLevel", () => {
  const entry = (amount: bigint, confirmations: number, state: LedgerEntry["state"] = "confirmed"): LedgerEntry => ({
    methodId: "pm-btc",
    currency: "btc",
    txid: `t${amount}-${confirmations}`,
    vout: 0,
    script: "0014aa",
    amount,
    height: confirmations > 0 ? 100 : null,
    blockHash: null,
    confirmations,
    state,
    rbf: false,
    seenAt: iso(1),
    seenBeforeExpiry: true,
    replacedBy: null,
  });

  it("is the depth at which the covering payments all sit", () => {
    expect(confirmationLevel([entry(100n, 3)], 100n)).toBe(3);
    expect(confirmationLevel([entry(60n, 6), entry(40n, 0, "mempool")], 100n)).toBe(0);
    expect(confirmationLevel([entry(100n, 6), entry(40n, 0, "mempool")], 100n)).toBe(6);
    expect(confirmationLevel([entry(60n, 6), entry(40n, 2)], 100n)).toBe(2);
    expect(confirmationLevel([entry(60n, 6)], 100n)).toBe(-1);
    expect(confirmationLevel([entry(100n, 6, "replaced")], 100n)).toBe(-1);
  });
});

describe("idempotence and determinism", () => {
  it("replaying chain events already applied yields no events", () => {
    const inv = new Invoice(policyOf([quote({ confirmationsRequired: 2 })]));
    const batch = [seen(out("a", 40_000n)), seen(out("b", 60_000n, { vout: 1 })), conf(mined("a", 40_000n, 101), 1)];
    expect(inv.chain(2, batch)).not.toEqual([]);
    const state = inv.state;
    expect(inv.chain(3, batch)).toEqual([]);
    expect(inv.state).toEqual(state);
  });

  it("recomputing from a fresh snapshot gives the same status from the ledger alone", () => {
    const inv = new Invoice(policyOf([quote({ confirmationsRequired: 1 })]));
    inv.chain(2, [seen(out("a", 40_000n))]);
    inv.chain(4, [seen(out("b", 70_000n, { vout: 1 }))]);
    inv.chain(6, [conf(mined("a", 40_000n, 101), 1)]);
    const fresh = nextInvoiceState(initialSnapshot(), inv.ledger, inv.policy, at(6)).state;
    expect(fresh).toMatchObject({
      status: inv.state.status,
      exceptionStatus: inv.state.exceptionStatus,
      sentAmount: inv.state.sentAmount,
      paidDate: inv.state.paidDate,
      txHashes: inv.state.txHashes,
    });
    expect(inv.status).toEqual(["paid", "paid_over"]);
  });

  it("events come in a fixed order whatever the order of the ledger", () => {
    const policy = policyOf([quote({ confirmationsRequired: 0 })]);
    let ledger: LedgerEntry[] = applyChainEvents([], [seen(out("old", AMOUNT))], {
      currency: "btc",
      methods: policy.methods,
      expiresAt: policy.expiresAt,
      now: at(1),
    }).ledger;
    const state = nextInvoiceState(initialSnapshot(), ledger, policy, at(1)).state;
    ledger = applyChainEvents(
      ledger,
      [replaced("old", "gone"), seen(out("p2", 70_000n, { vout: 1 })), seen(out("p1", 50_000n, { vout: 2 }))],
      { currency: "btc", methods: policy.methods, expiresAt: policy.expiresAt, now: at(2) },
    ).ledger;
    const forward = nextInvoiceState(state, ledger, policy, at(2)).events;
    const backward = nextInvoiceState(state, [...ledger].reverse(), policy, at(2)).events;
    expect(backward).toEqual(forward);
    expect(forward.map((e) => [e.type, e.payment?.txid])).toEqual([
      ["invoice.payment_replaced", "old"],
      ["invoice.payment_received", "p1"],
      ["invoice.payment_received", "p2"],
      ["invoice.status_changed", undefined],
    ]);
    expect(forward[3]).toMatchObject({
      from: { status: "complete", exceptionStatus: "none" },
      to: { status: "complete", exceptionStatus: "paid_over" },
      sentAmount: 120_000n,
    });
  });
});

describe("amounts are exact bigints", () => {
  it("follows 21e14 base units (all the bitcoin there will ever be) to the last unit", () => {
    const total = 2_100_000_000_000_000n;
    const inv = new Invoice(
      policyOf([quote({ amount: total, confirmationsRequired: 1 })], { underpaidPercentage: "0.01" }),
    );
    const threshold = 2_099_790_000_000_000n;
    inv.chain(2, [seen(out("a", threshold - 1n))]);
    expect(inv.status).toEqual(["pending", "paid_partial"]);
    expect(inv.state.sentAmount).toBe(threshold - 1n);
    const events = inv.chain(3, [seen(out("b", 1n, { vout: 1 }))]);
    expect(inv.status).toEqual(["paid", "none"]);
    expect(events[1]).toMatchObject({ sentAmount: threshold, amountDue: total, remaining: total - threshold });
    expect(typeof events[1]!.sentAmount).toBe("bigint");
    inv.chain(4, [seen(out("c", total - threshold + 1n, { vout: 2 }))]);
    expect(inv.status).toEqual(["paid", "paid_over"]);
    expect(inv.state.sentAmount).toBe(total + 1n);
  });
});
