import { describe, expect, it } from "vitest";
import type { ChainEvent, ObservedOutput } from "../../chains/ports.ts";
import type { LedgerEntry, PaymentMethodQuote } from "./invoice-types.ts";
import {
  applyChainEvent,
  applyChainEvents,
  countingEntries,
  findMethod,
  isCounting,
  isSuperseded,
  type LedgerContext,
  lostEntries,
  sumActive,
  sumOnTime,
} from "./ledger.ts";

const T0 = Date.parse("2025-03-01T12:00:00.000Z");
const at = (minutes: number) => new Date(T0 + minutes * 60_000);

const BTC: PaymentMethodQuote = {
  id: "pm-btc",
  walletId: "w-btc",
  currency: "btc",
  amount: 100_000n,
  divisibility: 8,
  address: "bcrt1qbtc",
  script: "0014aa",
  confirmationsRequired: 1,
};
const BTC2: PaymentMethodQuote = {
  ...BTC,
  id: "pm-btc2",
  walletId: "w-btc2",
  address: "bcrt1qother",
  script: "0014bb",
};

const ctx = (minutes = 1, currency = "btc"): LedgerContext => ({
  currency,
  methods: [BTC, BTC2],
  expiresAt: at(15),
  now: at(minutes),
});

const out = (txid: string, amount: bigint, extra: Partial<ObservedOutput> = {}): ObservedOutput => ({
  txid,
  vout: 0,
  script: BTC.script,
  amount,
  height: null,
  blockHash: null,
  rbf: false,
  ...extra,
});

const seen = (o: ObservedOutput): ChainEvent => ({ type: "seen", output: o });
const confirmed = (o: ObservedOutput, confirmations: number): ChainEvent => ({
  type: "confirmed",
  output: o,
  confirmations,
});
const replaced = (txid: string, byTxid: string | null, script = BTC.script, vout = 0): ChainEvent => ({
  type: "replaced",
  txid,
  vout,
  script,
  byTxid,
});
const orphaned = (txid: string, height: number, script = BTC.script, vout = 0): ChainEvent => ({
  type: "orphaned",
  txid,
  vout,
  script,
  height,
});

/** Folds events one at a time, each at its own minute. */
function fold(events: [number, ChainEvent][], start: LedgerEntry[] = []): LedgerEntry[] {
  let ledger = start;
  for (const [minute, event] of events) ledger = applyChainEvent(ledger, event, ctx(minute)).ledger;
  return ledger;
}

const deepFreeze = (ledger: LedgerEntry[]) => Object.freeze(ledger.map((e) => Object.freeze({ ...e })));

describe("findMethod", () => {
  it("matches a script only on the invoice method's own chain", () => {
    expect(findMethod([BTC], "btc", "0014AA")?.id).toBe("pm-btc");
    expect(findMethod([BTC], "BTC", "0014aa")?.id).toBe("pm-btc");
    // The same script bytes on Litecoin are another address entirely.
    expect(findMethod([BTC], "ltc", "0014aa")).toBeUndefined();
    expect(findMethod([BTC], "btc", "0014cc")).toBeUndefined();
  });
});

describe("seen", () => {
  it("adds a mempool entry with its first-seen time and on-time standing", () => {
    const { ledger, changed } = applyChainEvent([], seen(out("a", 40_000n, { rbf: true })), ctx(3));
    expect(ledger).toEqual([
      {
        methodId: "pm-btc",
        currency: "btc",
        txid: "a",
        vout: 0,
        script: "0014aa",
        amount: 40_000n,
        height: null,
        blockHash: null,
        confirmations: 0,
        state: "mempool",
        rbf: true,
        seenAt: at(3).toISOString(),
        seenBeforeExpiry: true,
        replacedBy: null,
      },
    ]);
    expect(changed).toEqual(ledger);
  });

  it("is idempotent: the same (txid, vout) seen twice changes nothing", () => {
    const first = applyChainEvent([], seen(out("a", 40_000n)), ctx(3)).ledger;
    const again = applyChainEvent(first, seen(out("a", 40_000n)), ctx(9));
    expect(again.changed).toEqual([]);
    expect(again.ledger).toEqual(first);
  });

  it("records an output first seen in a block as confirmed once", () => {
    const { ledger } = applyChainEvent([], seen(out("a", 5n, { height: 101, blockHash: "h101" })), ctx());
    expect(ledger[0]).toMatchObject({ state: "confirmed", height: 101, blockHash: "h101", confirmations: 1 });
  });

  it("moves a mempool entry into the block it is then seen in, keeping its first-seen time", () => {
    const ledger = fold([
      [2, seen(out("a", 5n))],
      [7, seen(out("a", 5n, { height: 101, blockHash: "h101" }))],
    ]);
    expect(ledger[0]).toMatchObject({ state: "confirmed", height: 101, confirmations: 1, seenAt: at(2).toISOString() });
  });

  it("never lets a stale mempool sighting undo a block", () => {
    const ledger = fold([
      [2, seen(out("a", 5n, { height: 101, blockHash: "h101" }))],
      [3, confirmed(out("a", 5n, { height: 101, blockHash: "h101" }), 3)],
    ]);
    const update = applyChainEvent(ledger, seen(out("a", 5n)), ctx(4));
    expect(update.changed).toEqual([]);
    expect(update.ledger[0]).toMatchObject({ state: "confirmed", confirmations: 3 });
  });

  it("marks outputs first seen at or after expiry as late", () => {
    const ledger = fold([
      [14, seen(out("early", 1n))],
      [15, seen(out("late", 1n))],
    ]);
    expect(ledger.map((e) => [e.txid, e.seenBeforeExpiry])).toEqual([
      ["early", true],
      ["late", false],
    ]);
  });

  it("ignores outputs to other scripts, other chains, and tips", () => {
    const ledger = fold([[1, seen(out("a", 5n))]]);
    for (const [event, c] of [
      [seen(out("x", 5n, { script: "0014ff" })), ctx()],
      [seen(out("y", 5n)), ctx(1, "ltc")],
      [{ type: "tip", height: 200, hash: "h200" } as ChainEvent, ctx()],
    ] as const) {
      const update = applyChainEvent(ledger, event, c);
      expect(update.changed).toEqual([]);
      expect(update.ledger).toEqual(ledger);
    }
  });

  it("keeps two methods' outputs of one transaction apart", () => {
    const ledger = fold([
      [1, seen(out("a", 5n))],
      [1, seen(out("a", 7n, { vout: 1, script: BTC2.script }))],
    ]);
    expect(sumActive(ledger, "pm-btc")).toBe(5n);
    expect(sumActive(ledger, "pm-btc2")).toBe(7n);
  });
});

describe("confirmed", () => {
  it("sets height, block and the reported count; a redelivery changes nothing", () => {
    const mined = out("a", 5n, { height: 101, blockHash: "h101" });
    const ledger = fold([
      [1, seen(out("a", 5n))],
      [2, confirmed(mined, 1)],
      [12, confirmed(mined, 6)],
    ]);
    expect(ledger[0]).toMatchObject({ state: "confirmed", height: 101, blockHash: "h101", confirmations: 6 });
    expect(applyChainEvent(ledger, confirmed(mined, 6), ctx(13)).changed).toEqual([]);
  });

  it("records an output it never saw (a missed `seen`), as first seen now", () => {
    const { ledger } = applyChainEvent([], confirmed(out("a", 5n, { height: 101, blockHash: "h101" }), 2), ctx(20));
    expect(ledger[0]).toMatchObject({
      state: "confirmed",
      confirmations: 2,
      seenAt: at(20).toISOString(),
      seenBeforeExpiry: false,
    });
  });

  it("revives a replaced output that is mined after all", () => {
    const ledger = fold([
      [1, seen(out("a", 5n))],
      [2, replaced("a", "b")],
      [3, confirmed(out("a", 5n, { height: 101, blockHash: "h101" }), 1)],
    ]);
    expect(ledger[0]).toMatchObject({ state: "confirmed", confirmations: 1, replacedBy: null });
    expect(isCounting(ledger[0]!)).toBe(true);
  });
});

describe("replaced", () => {
  it("takes the money out of the sums and remembers the conflicting transaction", () => {
    const ledger = fold([
      [1, seen(out("a", 5n))],
      [2, seen(out("b", 7n, { vout: 1 }))],
      [3, replaced("a", "z")],
    ]);
    expect(ledger.find((e) => e.txid === "a")).toMatchObject({ state: "replaced", replacedBy: "z", confirmations: 0 });
    expect(sumActive(ledger, "pm-btc")).toBe(7n);
    expect(countingEntries(ledger).map((e) => e.txid)).toEqual(["b"]);
  });

  it("is idempotent, but learns the conflicting txid when it was unknown", () => {
    const ledger = fold([
      [1, seen(out("a", 5n))],
      [2, replaced("a", null)],
    ]);
    expect(applyChainEvent(ledger, replaced("a", null), ctx()).changed).toEqual([]);
    const learnt = applyChainEvent(ledger, replaced("a", "z"), ctx());
    expect(learnt.changed).toHaveLength(1);
    expect(learnt.ledger[0]!.replacedBy).toBe("z");
    expect(applyChainEvent(learnt.ledger, replaced("a", "y"), ctx()).changed).toEqual([]);
  });

  it("does nothing for an output it never recorded", () => {
    expect(applyChainEvent([], replaced("a", "z"), ctx())).toEqual({ ledger: [], changed: [] });
  });

  it("returns to counting when the replaced transaction is seen again", () => {
    const ledger = fold([
      [1, seen(out("a", 5n))],
      [2, replaced("a", "z")],
      [3, seen(out("a", 5n))],
    ]);
    expect(ledger[0]).toMatchObject({ state: "mempool", replacedBy: null, seenAt: at(1).toISOString() });
  });

  it("passes the on-time standing to a replacement first seen after expiry, whatever the order", () => {
    const replacementFirst = fold([
      [10, seen(out("a", 5n))],
      [20, seen(out("b", 6n))],
      [20, replaced("a", "b")],
    ]);
    const replacedFirst = fold([
      [10, seen(out("a", 5n))],
      [20, replaced("a", "b")],
      [20, seen(out("b", 6n))],
    ]);
    for (const ledger of [replacementFirst, replacedFirst]) {
      expect(ledger.find((e) => e.txid === "b")!.seenBeforeExpiry).toBe(true);
      expect(sumOnTime(ledger, "pm-btc")).toBe(6n);
    }
  });

  it("does not pass a late standing on, nor an on-time one to unrelated transactions", () => {
    const ledger = fold([
      [10, seen(out("a", 5n))],
      [20, seen(out("c", 6n, { vout: 1 }))],
      [21, replaced("a", "b")],
    ]);
    expect(ledger.find((e) => e.txid === "c")!.seenBeforeExpiry).toBe(false);
  });
});

describe("orphaned", () => {
  it("puts a confirmed output back to unconfirmed, still counting", () => {
    const ledger = fold([
      [1, seen(out("a", 5n))],
      [2, confirmed(out("a", 5n, { height: 101, blockHash: "h101" }), 2)],
      [3, orphaned("a", 101)],
    ]);
    expect(ledger[0]).toMatchObject({ state: "orphaned", height: null, blockHash: null, confirmations: 0 });
    expect(sumActive(ledger, "pm-btc")).toBe(5n);
  });

  it("ignores a stale orphaning of a block the output is no longer in, and replaced or unknown outputs", () => {
    const ledger = fold([
      [1, seen(out("a", 5n, { height: 102, blockHash: "h102b" }))],
      [1, seen(out("b", 5n, { vout: 1 }))],
      [2, replaced("b", "z", BTC.script, 1)],
    ]);
    expect(applyChainEvent(ledger, orphaned("a", 101), ctx()).changed).toEqual([]);
    expect(applyChainEvent(ledger, orphaned("b", 101, BTC.script, 1), ctx()).changed).toEqual([]);
    expect(applyChainEvent(ledger, orphaned("q", 101), ctx()).changed).toEqual([]);
  });

  it("lets the re-mined output confirm again", () => {
    const ledger = fold([
      [1, seen(out("a", 5n, { height: 101, blockHash: "h101" }))],
      [2, orphaned("a", 101)],
      [3, seen(out("a", 5n, { height: 102, blockHash: "h102" }))],
    ]);
    expect(ledger[0]).toMatchObject({ state: "confirmed", height: 102, blockHash: "h102", confirmations: 1 });
  });
});

describe("sums and lost payments", () => {
  it("never counts replaced entries; counts orphaned and mempool ones", () => {
    const ledger = fold([
      [1, seen(out("a", 1n))],
      [1, seen(out("b", 10n, { vout: 1, height: 101, blockHash: "h101" }))],
      [1, seen(out("c", 100n, { vout: 2 }))],
      [2, orphaned("b", 101, BTC.script, 1)],
      [2, replaced("c", null, BTC.script, 2)],
    ]);
    expect(ledger.map((e) => e.state)).toEqual(["mempool", "orphaned", "replaced"]);
    expect(sumActive(ledger, "pm-btc")).toBe(11n);
    expect(sumActive(ledger, "pm-btc2")).toBe(0n);
  });

  it("treats a payment replaced by one paying the invoice as superseded, not lost", () => {
    const ledger = fold([
      [1, seen(out("a", 5n))],
      [2, replaced("a", "b")],
      [2, seen(out("b", 5n))],
      [3, seen(out("c", 7n, { vout: 1 }))],
      [4, replaced("c", "elsewhere", BTC.script, 1)],
    ]);
    const a = ledger.find((e) => e.txid === "a")!;
    expect(isSuperseded(a, ledger)).toBe(true);
    expect(lostEntries(ledger).map((e) => e.txid)).toEqual(["c"]);
  });

  it("sums beyond 2^53 exactly", () => {
    const ledger = fold([
      [1, seen(out("a", 2_100_000_000_000_000n))],
      [1, seen(out("b", 1n, { vout: 1 }))],
    ]);
    expect(sumActive(ledger, "pm-btc")).toBe(2_100_000_000_000_001n);
  });
});

describe("purity", () => {
  it("never mutates the ledger it is given", () => {
    const base = fold([
      [1, seen(out("a", 5n))],
      [2, seen(out("b", 7n, { vout: 1 }))],
    ]);
    const frozen = deepFreeze(base) as LedgerEntry[];
    const snapshot = structuredClone(base);
    for (const event of [
      seen(out("c", 1n, { vout: 2 })),
      confirmed(out("a", 5n, { height: 101, blockHash: "h101" }), 1),
      replaced("b", "a"),
      orphaned("a", 101),
    ]) {
      applyChainEvent(frozen, event, ctx());
    }
    expect(frozen).toEqual(snapshot);
  });

  it("reports each entry touched by a batch once, in its final version", () => {
    const mined = out("a", 5n, { height: 101, blockHash: "h101" });
    const { ledger, changed } = applyChainEvents(
      [],
      [seen(out("a", 5n)), seen(out("b", 7n, { vout: 1 })), confirmed(mined, 1), confirmed(mined, 2)],
      ctx(),
    );
    expect(changed.map((e) => [e.txid, e.confirmations])).toEqual([
      ["b", 0],
      ["a", 2],
    ]);
    expect(ledger).toHaveLength(2);
  });
});
