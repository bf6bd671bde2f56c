import { describe, expect, it } from "vitest";
import {
  formatAmount,
  formatMoney,
  fromUnits,
  percentOf,
  sum,
  times,
  toUnits,
  trimZeros,
} from "../../../web/src/shared/money.ts";
import { typeKey } from "../../../web/src/store/keypad.ts";

/** The pages' decimal arithmetic: exact strings through bigint units, never floats. */
describe("the pages' money helpers", () => {
  it("reads and writes decimals exactly at a scale, rounding half up past it", () => {
    expect(toUnits("0.1", 8)).toBe(10_000_000n);
    expect(toUnits("12.345", 2)).toBe(1235n);
    expect(toUnits("-1.5", 0)).toBe(-2n);
    expect(toUnits(".5", 2)).toBe(50n);
    expect(toUnits("abc", 2)).toBeNull();
    expect(toUnits("", 2)).toBeNull();
    expect(fromUnits(5n, 8)).toBe("0.00000005");
    expect(fromUnits(-1234n, 2)).toBe("-12.34");
    expect(fromUnits(7n, 0)).toBe("7");
  });

  it("adds, multiplies and takes percentages without float error", () => {
    expect(sum(["0.1", "0.2"], 2)).toBe("0.30");
    expect(times("19.99", 3, 2)).toBe("59.97");
    expect(percentOf("12.50", "10", 2)).toBe("1.25");
    expect(percentOf("11.25", "10", 2)).toBe("1.13");
    expect(percentOf("100", "12.5", 0)).toBe("13");
    expect(trimZeros("0.15000000")).toBe("0.15");
    expect(trimZeros("12.00")).toBe("12");
    expect(trimZeros("1200")).toBe("1200");
  });

  it("groups digits and places the currency as the language does, keeping every digit", () => {
    expect(formatAmount("1234567.10", "en")).toBe("1,234,567.10");
    expect(formatAmount("1234567.10", "de")).toBe("1.234.567,10");
    expect(formatAmount("0.00000001", "en")).toBe("0.00000001");
    expect(formatMoney("8.00", "USD", "$", "en")).toBe("$8.00");
    expect(formatMoney("8.00", "EUR", "€", "de")).toBe("8,00\u00a0€");
    expect(formatMoney("1000", "SATS", "sats", "en")).toBe("1,000\u00a0sats");
  });

  it("types POS amounts with at most the currency's decimals", () => {
    const typed = (keys: string[], decimals: number) =>
      keys.reduce((current, key) => typeKey(current, key, decimals), "");
    expect(typed(["1", "2", ".", "5", "0", "7"], 2)).toBe("12.50");
    expect(typed([".", "5"], 2)).toBe("0.5");
    expect(typed(["0", "0", "7"], 2)).toBe("7");
    expect(typed(["5", ".", "1"], 0)).toBe("51");
    expect(typed(["1", ".", ".", "2", "⌫"], 2)).toBe("1.");
  });
});
