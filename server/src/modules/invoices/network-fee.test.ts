import { describe, expect, it } from "vitest";
import { recommendedFee, typicalPaymentFee } from "./network-fee.ts";

describe("network fee of an invoice", () => {
  it("charges a typical 141 vB payment at the rate, rounded up to a whole base unit", () => {
    expect(typicalPaymentFee("1")).toBe(141n);
    expect(typicalPaymentFee("12.345")).toBe(1741n);
    expect(typicalPaymentFee("0.001")).toBe(1n);
  });

  it("answers the recommended fee in sat/vB truncated to two decimals, or 0 without an estimate", () => {
    expect(recommendedFee("12.349")).toBe("12.34");
    expect(recommendedFee("3")).toBe("3");
    expect(recommendedFee(null)).toBe("0");
  });
});
