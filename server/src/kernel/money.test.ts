import { describe, expect, it } from "vitest";
import { Big, formatDecimal, isDecimalString, normalizeDecimal, parseDecimal } from "./money.ts";

const text = (value: string | number) => parseDecimal(value)?.toFixed() ?? null;

describe("parseDecimal", () => {
  it.each([
    ["0", "0"],
    ["9.99", "9.99"],
    ["-9.99", "-9.99"],
    ["  12.5  ", "12.5"],
    [".5", "0.5"],
    ["5.", "5"],
    ["0.00000001", "0.00000001"],
    ["123456789012345678901234567890.123456789", "123456789012345678901234567890.123456789"],
  ])("reads the decimal string %j", (input, expected) => {
    expect(text(input)).toBe(expected);
  });

  it.each([
    ["1e-8", "0.00000001"],
    ["1E-8", "0.00000001"],
    ["1.5e3", "1500"],
    ["2e+2", "200"],
    ["-3.25e1", "-32.5"],
  ])("reads the exponent form %j", (input, expected) => {
    expect(text(input)).toBe(expected);
  });

  it("reads JSON numbers through their shortest decimal text, never through binary float digits", () => {
    expect(text(9.99)).toBe("9.99");
    expect(text(0.1)).toBe("0.1");
    expect(text(0.1 + 0.2)).toBe("0.30000000000000004");
    expect(text(1e-7)).toBe("0.0000001");
    expect(text(1e21)).toBe("1000000000000000000000");
    expect(text(-42)).toBe("-42");
  });

  it.each([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])(
    "refuses the non-finite number %s",
    (value) => {
      expect(parseDecimal(value)).toBeNull();
    },
  );

  it.each([
    "",
    " ",
    "abc",
    "1.2.3",
    "1,5",
    "+1",
    "0x10",
    "1e",
    "e5",
    ".e5",
    "1e5.5",
    "Infinity",
    "NaN",
    "--1",
    "1 000",
    "١٢٣",
    "1\u00002",
  ])("refuses the garbage string %j", (value) => {
    expect(parseDecimal(value)).toBeNull();
  });

  it("refuses magnitudes no amount can have, without writing them out", () => {
    expect(parseDecimal("1e999999999")).toBeNull();
    expect(parseDecimal("1e-999999999")).toBeNull();
    expect(parseDecimal("-5e100000")).toBeNull();
    expect(parseDecimal(1e308)?.toFixed().length).toBe(309);
  });

  it("keeps zero with any exponent as zero", () => {
    expect(text("0e999999999")).toBe("0");
  });
});

describe("isDecimalString", () => {
  it("accepts plain decimals and refuses exponents and garbage", () => {
    expect(isDecimalString("1.50")).toBe(true);
    expect(isDecimalString(" -0.5 ")).toBe(true);
    expect(isDecimalString("1e-8")).toBe(false);
    expect(isDecimalString("abc")).toBe(false);
    expect(isDecimalString("")).toBe(false);
  });
});

describe("formatDecimal", () => {
  it.each([
    ["0.125", 2, "0.12"],
    ["0.135", 2, "0.14"],
    ["0.145", 2, "0.14"],
    ["0.155", 2, "0.16"],
    ["0.1251", 2, "0.13"],
    ["-0.125", 2, "-0.12"],
    ["-0.135", 2, "-0.14"],
    ["2.5", 0, "2"],
    ["3.5", 0, "4"],
    ["0.000000015", 8, "0.00000002"],
    ["0.000000025", 8, "0.00000002"],
  ])("rounds %s half-even to %i places: %s", (value, places, expected) => {
    expect(formatDecimal(new Big(value), places)).toBe(expected);
  });

  it("pads to exactly the requested places and never prints an exponent", () => {
    expect(formatDecimal(new Big("1"), 8)).toBe("1.00000000");
    expect(formatDecimal(new Big("1e-7"), 8)).toBe("0.00000010");
    expect(formatDecimal(new Big("1e21"), 2)).toBe("1000000000000000000000.00");
    expect(formatDecimal(new Big("12.3"), 0)).toBe("12");
  });

  it("prints a value rounding to zero without a minus sign", () => {
    expect(formatDecimal(new Big("-0.001"), 2)).toBe("0.00");
  });
});

describe("normalizeDecimal", () => {
  it.each([
    ["1.500", "1.5"],
    ["1.000", "1"],
    ["100", "100"],
    ["100.0", "100"],
    ["0.10", "0.1"],
    ["-0.50", "-0.5"],
    ["0", "0"],
    ["-0", "0"],
    ["-0.000", "0"],
    ["1e-8", "0.00000001"],
    ["1.2e3", "1200"],
    ["0.00000000000000000000000000000000000001", "0.00000000000000000000000000000000000001"],
  ])("writes %s as %s", (value, expected) => {
    expect(normalizeDecimal(new Big(value))).toBe(expected);
  });

  it("round-trips through parseDecimal", () => {
    for (const value of ["9.99", "0.00012345", "-1234.5", "1000"]) {
      expect(normalizeDecimal(parseDecimal(normalizeDecimal(parseDecimal(value)!))!)).toBe(value);
    }
  });
});
