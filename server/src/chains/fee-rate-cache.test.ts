import { describe, expect, it } from "vitest";
import { createLogger } from "../kernel/logger.ts";
import { FeeRateCache } from "./fee-rate-cache.ts";

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe("FeeRateCache", () => {
  it("answers nothing until the first estimate arrives, then answers it without asking again", async () => {
    const asked: string[] = [];
    const cache = new FeeRateCache(async (currency, target) => {
      asked.push(`${currency}:${target}`);
      return { satPerVbyte: "12.5" };
    }, createLogger("silent"));
    expect(cache.get("BTC", 2)).toBeNull();
    await tick();
    expect(cache.get("btc", 2)).toBe("12.5");
    expect(asked).toEqual(["BTC:2"]);
  });

  it("refreshes a stale entry in the background, answering the old rate meanwhile", async () => {
    let rate = "3";
    const cache = new FeeRateCache(async () => ({ satPerVbyte: rate }), createLogger("silent"), -1);
    await cache.warm(["ltc"], [1]);
    rate = "4";
    expect(cache.get("ltc", 1)).toBe("3");
    await tick();
    expect(cache.get("ltc", 1)).toBe("4");
  });

  it("keeps no rate when the backend cannot estimate (a follower runs none), and does not ask on every call", async () => {
    let asked = 0;
    const cache = new FeeRateCache(async () => {
      asked += 1;
      throw new Error("no chain backend runs for ltc");
    }, createLogger("silent"));
    await cache.warm(["ltc"], [1]);
    for (let i = 0; i < 5; i++) expect(cache.get("ltc", 1)).toBeNull();
    await tick();
    expect(asked).toBe(1);
  });
});
