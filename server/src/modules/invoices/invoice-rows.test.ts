import { describe, expect, it } from "vitest";
import {
  decodeOverride,
  encodeOverride,
  entryToPaymentRow,
  parseBaseUnits,
  paymentRowToEntry,
} from "./invoice-rows.ts";
import type { LedgerEntry } from "./invoice-types.ts";

const entry: LedgerEntry = {
  methodId: "pm-1",
  currency: "btc",
  txid: "ab".repeat(32),
  vout: 3,
  script: "0014aa",
  amount: 2_100_000_000_000_001n,
  height: 840_000,
  blockHash: "00".repeat(32),
  confirmations: 4,
  state: "confirmed",
  rbf: true,
  seenAt: "2025-03-01T12:00:00.000Z",
  seenBeforeExpiry: false,
  replacedBy: null,
};

describe("payment rows", () => {
  it("stores amounts as integer strings and booleans as 0/1, and reads them back unchanged", () => {
    const row = entryToPaymentRow("inv-1", entry, "2025-03-01T12:05:00.000Z");
    expect(row).toMatchObject({
      invoice_id: "inv-1",
      method_id: "pm-1",
      amount: "2100000000000001",
      rbf: 1,
      seen_before_expiry: 0,
      block_hash: "00".repeat(32),
      updated: "2025-03-01T12:05:00.000Z",
    });
    expect(paymentRowToEntry(row)).toEqual(entry);
  });

  it("refuses a row whose amount or state is corrupt", () => {
    const row = entryToPaymentRow("inv-1", entry, "2025-03-01T12:05:00.000Z");
    expect(() => paymentRowToEntry({ ...row, amount: "1.5" })).toThrow(/not an integer/);
    expect(() => paymentRowToEntry({ ...row, state: "gone" })).toThrow(/unknown payment state/);
  });

  it.each(["", "1e5", "0x10", " 1", "1.0"])("parseBaseUnits refuses %j", (text) => {
    expect(() => parseBaseUnits(text)).toThrow();
  });
});

describe("manual override column", () => {
  it("round-trips an override, including a declared amount beyond 2^53", () => {
    const override = {
      status: "complete" as const,
      at: "2025-03-01T12:00:00.000Z",
      paymentMethodId: "pm-1",
      sentAmount: 9_007_199_254_740_993n,
    };
    const text = encodeOverride(override);
    expect(JSON.parse(text!)).toEqual({
      status: "complete",
      at: "2025-03-01T12:00:00.000Z",
      payment_method_id: "pm-1",
      sent_amount: "9007199254740993",
    });
    expect(decodeOverride(text)).toEqual(override);
  });

  it("stores no override as null", () => {
    expect(encodeOverride(null)).toBeNull();
    expect(decodeOverride(null)).toBeNull();
    expect(decodeOverride(encodeOverride({ status: "invalid", at: "2025-03-01T12:00:00.000Z" }))).toEqual({
      status: "invalid",
      at: "2025-03-01T12:00:00.000Z",
      paymentMethodId: null,
      sentAmount: null,
    });
  });

  it.each(["not json", "[]", '{"status":"pending","at":"x"}', '{"status":"complete"}', "null"])(
    "reads %j as no override",
    (text) => {
      expect(decodeOverride(text)).toBeNull();
    },
  );
});
