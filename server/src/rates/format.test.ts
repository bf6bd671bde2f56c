import { describe, expect, it } from "vitest";
import { Big } from "../kernel/money.ts";
import { COIN_DIVISIBILITY, fiatCodes, fiatCurrency, filterFiatCodes, isFiat } from "./currencies.ts";
import { currencyDivisibility, formatFiat, groupDigits, roundHalfEven, roundToCurrency } from "./format.ts";
import { ISO_4217 } from "./iso4217.ts";

describe("ISO 4217 currencies", () => {
  it("knows divisibility from the standard's minor units", () => {
    expect(fiatCurrency("USD")).toEqual({ code: "USD", divisibility: 2, symbol: "$" });
    expect(fiatCurrency("eur")?.divisibility).toBe(2);
    expect(fiatCurrency("JPY")?.divisibility).toBe(0);
    expect(fiatCurrency("KRW")?.divisibility).toBe(0);
    expect(fiatCurrency("BHD")?.divisibility).toBe(3);
    expect(fiatCurrency("KWD")?.divisibility).toBe(3);
    expect(fiatCurrency("XOF")?.divisibility).toBe(0);
    expect(fiatCurrency("BTC")).toBeUndefined();
    expect(isFiat("XAU")).toBe(false);
  });

  it("lists every code once, three upper-case letters, sorted", () => {
    const codes = fiatCodes();
    expect(new Set(codes).size).toBe(ISO_4217.length);
    expect(codes.every((c) => /^[A-Z]{3}$/.test(c))).toBe(true);
    expect([...codes].sort()).toEqual(codes);
    expect(codes.length).toBeGreaterThan(150);
    for (const [, minor] of ISO_4217) expect([0, 2, 3]).toContain(minor);
  });

  it("filters by prefix, case-insensitively, with | alternatives (Bitcart's query)", () => {
    expect(filterFiatCodes("us")).toEqual(["USD"]);
    expect(filterFiatCodes("EU")).toEqual(["EUR"]);
    expect(filterFiatCodes("e|j")).toEqual(["EGP", "ERN", "ETB", "EUR", "JMD", "JOD", "JPY"]);
    expect(filterFiatCodes("")).toEqual([...fiatCodes()]);
    expect(filterFiatCodes(undefined)).toEqual([...fiatCodes()]);
    expect(filterFiatCodes(".*")).toEqual([]);
    expect(filterFiatCodes("(((")).toEqual([]);
  });
});

describe("rounding and formatting", () => {
  it("rounds half-even", () => {
    expect(roundHalfEven(new Big("2.345"), 2).toFixed()).toBe("2.34");
    expect(roundHalfEven(new Big("2.355"), 2).toFixed()).toBe("2.36");
    expect(roundHalfEven(new Big("-2.345"), 2).toFixed()).toBe("-2.34");
    expect(roundHalfEven(new Big("0.5"), 0).toFixed()).toBe("0");
    expect(roundHalfEven(new Big("1.5"), 0).toFixed()).toBe("2");
  });

  it("rounds to the currency's divisibility: fiat from ISO 4217, coins to 8", () => {
    expect(currencyDivisibility("USD")).toBe(2);
    expect(currencyDivisibility("JPY")).toBe(0);
    expect(currencyDivisibility("BTC")).toBe(COIN_DIVISIBILITY);
    expect(roundToCurrency(new Big("10.125"), "USD").toFixed()).toBe("10.12");
    expect(roundToCurrency(new Big("1234.5"), "JPY").toFixed()).toBe("1234");
    expect(roundToCurrency(new Big("1.2345"), "BHD").toFixed()).toBe("1.234");
    expect(roundToCurrency(new Big("0.000000125"), "BTC").toFixed()).toBe("0.00000012");
  });

  it("groups thousands", () => {
    expect(groupDigits(new Big("1234567.891"), 2)).toBe("1,234,567.89");
    expect(groupDigits(new Big("999"), 0)).toBe("999");
    expect(groupDigits(new Big("-1000"), 2)).toBe("-1,000.00");
    expect(groupDigits(new Big("-0.001"), 2)).toBe("0.00");
  });

  it("formats Bitcart's rate_str", () => {
    expect(formatFiat("100000", "USD")).toBe("$100,000.00");
    expect(formatFiat("67195.055", "USD")).toBe("$67,195.06");
    expect(formatFiat("61900.5", "EUR")).toBe("€61,900.50");
    expect(formatFiat("1500.5", "JPY")).toBe("¥1,500");
    expect(formatFiat("12.5", "CHF")).toBe("CHF 12.50");
    expect(formatFiat("12.5", "sek")).toBe("kr 12.50");
    expect(formatFiat("1.2345", "KWD")).toBe("KWD 1.234");
    expect(formatFiat("-5", "USD")).toBe("-$5.00");
    expect(formatFiat(new Big("0.1").plus("0.2"), "GBP")).toBe("£0.30");
    expect(formatFiat("12.5", "XYZ")).toBe("12.50000000 XYZ");
    expect(() => formatFiat("abc", "USD")).toThrow(RangeError);
  });
});
