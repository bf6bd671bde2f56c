import { describe, expect, it } from "vitest";
import { coinsPerKbToUnitsPerVbyte } from "./fee-rate.ts";

describe("coinsPerKbToUnitsPerVbyte", () => {
  it("converts coins per kB to base units per vbyte without binary floating point on the way", () => {
    expect(coinsPerKbToUnitsPerVbyte("0.0001")).toBe(10);
    expect(coinsPerKbToUnitsPerVbyte("0.00012345")).toBe(12.345);
    expect(coinsPerKbToUnitsPerVbyte("0.00001")).toBe(1);
    expect(coinsPerKbToUnitsPerVbyte("1e-05")).toBe(1);
    expect(coinsPerKbToUnitsPerVbyte("1.0E-5")).toBe(1);
    expect(coinsPerKbToUnitsPerVbyte("0.00000001")).toBe(0.001);
    expect(coinsPerKbToUnitsPerVbyte("0.000012345678")).toBe(1.2345678);
    expect(coinsPerKbToUnitsPerVbyte("2")).toBe(200_000);
    // 0.1 + 0.2 style artefacts do not appear: the decimal text is shifted, then read once.
    expect(coinsPerKbToUnitsPerVbyte("0.00003")).toBe(3);
    expect(coinsPerKbToUnitsPerVbyte("0.00000003")).toBe(0.003);
    expect(coinsPerKbToUnitsPerVbyte("0.0001", 6)).toBe(0.1);
  });

  it("returns null for no estimate (-1, zero) and rejects non-numbers", () => {
    expect(coinsPerKbToUnitsPerVbyte("-1")).toBeNull();
    expect(coinsPerKbToUnitsPerVbyte("0")).toBeNull();
    expect(coinsPerKbToUnitsPerVbyte("0.0")).toBeNull();
    expect(() => coinsPerKbToUnitsPerVbyte("abc")).toThrow(TypeError);
    expect(() => coinsPerKbToUnitsPerVbyte("")).toThrow(TypeError);
  });
});
