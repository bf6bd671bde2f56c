import { describe, expect, it } from "vitest";
import { Big } from "../../kernel/money.ts";
import { bestDiscount, discountedPrice } from "./discount-rules.ts";

const d = (id: string, percent: number, promocode = "", currencies = "") => ({ id, percent, promocode, currencies });

describe("bestDiscount", () => {
  it("applies a discount without a code to every buyer, and the largest percent wins", () => {
    expect(bestDiscount([d("a", 5), d("b", 20), d("c", 10)], "btc", "")?.id).toBe("b");
  });

  it("applies a coded discount only with its exact code", () => {
    const discounts = [d("open", 5), d("coded", 30, "SUMMER")];
    expect(bestDiscount(discounts, "btc", "")?.id).toBe("open");
    expect(bestDiscount(discounts, "btc", "summer")?.id).toBe("open");
    expect(bestDiscount(discounts, "btc", "SUMMER")?.id).toBe("coded");
  });

  it("applies a discount limited to some currencies only to payments in them", () => {
    const discounts = [d("ltc-only", 50, "", "ltc,doge")];
    expect(bestDiscount(discounts, "btc", "")).toBeNull();
    expect(bestDiscount(discounts, "LTC", "")?.id).toBe("ltc-only");
  });

  it("finds nothing among no discounts", () => {
    expect(bestDiscount([], "btc", "CODE")).toBeNull();
  });
});

describe("discountedPrice", () => {
  it("takes the percent off exactly, without floats", () => {
    expect(discountedPrice(new Big("19.99"), d("x", 15)).toString()).toBe("16.9915");
    expect(discountedPrice(new Big("0.1"), d("x", 100)).toString()).toBe("0");
    expect(discountedPrice(new Big("10"), null).toString()).toBe("10");
  });
});
