import { afterEach, describe, expect, it } from "vitest";
import { Big } from "../kernel/money.ts";
import type { Pair } from "./pair.ts";
import type { ProviderRates, RateProvider } from "./provider.ts";
import { FixedProvider } from "./providers/fixed.ts";
import { RateEngine, type RateEngineOptions } from "./rate-engine.ts";

const BTC_USD: Pair = { base: "BTC", quote: "USD" };
const LTC_USD: Pair = { base: "LTC", quote: "USD" };

/** A provider under the test's control: it answers `rates`, fails, or never answers (until aborted). */
class FakeProvider implements RateProvider {
  calls: Pair[][] = [];
  supports?: (pair: Pair) => boolean;
  mode: "answer" | "fail" | "hang" = "answer";

  constructor(
    readonly name: string,
    public rates: Record<string, string>,
  ) {}

  async fetch(pairs: readonly Pair[], signal: AbortSignal): Promise<ProviderRates> {
    this.calls.push([...pairs]);
    if (this.mode === "fail") throw new Error("HTTP 500 Internal Server Error");
    if (this.mode === "hang") {
      // The signal may already have fired (a short timeout on a busy machine): then it never fires again.
      if (signal.aborted) throw signal.reason;
      await new Promise((_, reject) => signal.addEventListener("abort", () => reject(signal.reason), { once: true }));
    }
    return new Map(Object.entries(this.rates).map(([k, v]) => [k, new Big(v)]));
  }
}

let engines: RateEngine[] = [];
afterEach(async () => {
  await Promise.all(engines.map((e) => e.stop()));
  engines = [];
});

function setup(options: Partial<RateEngineOptions> = {}) {
  const clock = { now: 1_700_000_000_000 };
  const kraken = new FakeProvider("kraken", { BTC_USD: "50000", LTC_USD: "80" });
  const coinbase = new FakeProvider("coinbase", { BTC_USD: "50100", LTC_USD: "81" });
  const bitfinex = new FakeProvider("bitfinex", { BTC_USD: "49900" });
  const engine = new RateEngine({
    providers: [kraken, coinbase, bitfinex],
    defaults: ["kraken", "coinbase", "bitfinex"],
    refreshMs: 60_000,
    maxAgeMs: 600_000,
    fetchTimeoutMs: 5_000,
    requestTimeoutMs: 150,
    now: () => clock.now,
    ...options,
  });
  engines.push(engine);
  return { engine, clock, kraken, coinbase, bitfinex };
}

const rateOf = async (engine: RateEngine, pair: Pair, fetchOnMiss = true) =>
  (await engine.resolve(null, [pair], { fetchOnMiss }))[0]!;

describe("rate engine", () => {
  it("fetches on a cache miss, then answers from the cache", async () => {
    const { engine, kraken } = setup();
    expect((await rateOf(engine, BTC_USD)).rate?.toFixed()).toBe("50000");
    expect(kraken.calls).toHaveLength(1);
    expect((await rateOf(engine, BTC_USD)).rate?.toFixed()).toBe("50000");
    expect(kraken.calls).toHaveLength(1);
  });

  it("without fetchOnMiss a cold cache answers no rate, and asks no provider", async () => {
    const { engine, kraken } = setup();
    const resolution = await rateOf(engine, BTC_USD, false);
    expect(resolution.rate).toBeNull();
    expect(resolution.missing[0]).toEqual({ provider: "kraken", pair: "BTC_USD", reason: "not fetched yet" });
    expect(kraken.calls).toHaveLength(0);
  });

  it("an outage of one provider falls back to the median of the others", async () => {
    const { engine, kraken } = setup();
    kraken.mode = "fail";
    const resolution = await rateOf(engine, BTC_USD);
    expect(resolution.rate?.toFixed()).toBe("50000");
    expect(resolution.evaluated).toBe("median(unavailable, 50100, 49900)");
    expect(resolution.missing).toEqual([
      { provider: "kraken", pair: "BTC_USD", reason: "provider error: HTTP 500 Internal Server Error" },
    ]);
    const health = engine.health().find((h) => h.provider === "kraken")!;
    expect(health).toMatchObject({ last_success: null, consecutive_failures: 1, default: true });
    expect(health.last_error_message).toBe("HTTP 500 Internal Server Error");
  });

  it("a provider that does not answer does not hold requests: they answer with the others", async () => {
    // The hanging fetch is given far longer than this test runs: answering at all proves nobody waited for it.
    const { engine, kraken } = setup({ fetchTimeoutMs: 600_000 });
    kraken.mode = "hang";
    const resolution = await rateOf(engine, BTC_USD);
    expect(resolution.rate?.toFixed()).toBe("50000");
    // The fetch under way is not started again, nor waited for, by the next request.
    await rateOf(engine, LTC_USD);
    expect(kraken.calls).toHaveLength(1);
  });

  it("a provider that times out is remembered as failing and not asked again for a while", async () => {
    const { engine, kraken } = setup({ fetchTimeoutMs: 50 });
    kraken.mode = "hang";
    await rateOf(engine, BTC_USD);
    const kraken_ = () => engine.health().find((h) => h.provider === "kraken")!;
    for (let i = 0; i < 150 && !kraken_().last_error_message; i++) await new Promise((r) => setTimeout(r, 25));
    expect(kraken_().last_error_message).toBe("timed out after 50 ms");
    await rateOf(engine, { base: "ETH", quote: "USD" });
    expect(kraken.calls).toHaveLength(1);
  });

  it("every provider down: no rate, and each failure named", async () => {
    const { engine, kraken, coinbase, bitfinex } = setup();
    for (const p of [kraken, coinbase, bitfinex]) p.mode = "fail";
    const resolution = await rateOf(engine, BTC_USD);
    expect(resolution.rate).toBeNull();
    expect(resolution.missing.map((m) => m.provider)).toEqual(["kraken", "coinbase", "bitfinex"]);
  });

  it("a rate older than the maximum age is never answered", async () => {
    const { engine, clock, kraken, coinbase, bitfinex } = setup();
    expect((await rateOf(engine, BTC_USD)).rate?.toFixed()).toBe("50000");
    for (const p of [kraken, coinbase, bitfinex]) p.mode = "fail";
    clock.now += 600_000;
    expect((await rateOf(engine, BTC_USD, false)).rate?.toFixed()).toBe("50000");
    clock.now += 1;
    const stale = await rateOf(engine, BTC_USD);
    expect(stale.rate).toBeNull();
    expect(stale.missing[0]!.reason).toBe(
      "stale: fetched 600 s ago, older than the maximum of 600 s (last fetch failed: HTTP 500 Internal Server Error)",
    );
    // Back up: the next fetch makes it fresh again.
    for (const p of [kraken, coinbase, bitfinex]) p.mode = "answer";
    clock.now += 60_000;
    expect((await rateOf(engine, BTC_USD)).rate?.toFixed()).toBe("50000");
  });

  it("a pair a provider does not offer is not asked again on every request", async () => {
    const { engine, kraken } = setup({ defaults: ["kraken"] });
    const pair = { base: "BTC", quote: "JPY" };
    const first = await rateOf(engine, pair);
    expect(first.rate).toBeNull();
    expect(first.missing[0]!.reason).toBe("not offered by this provider");
    await rateOf(engine, pair);
    expect(kraken.calls).toHaveLength(1);
  });

  it("reads a provider's inverse pair as 1 / it", async () => {
    const { engine, kraken } = setup({ defaults: ["kraken"] });
    kraken.rates = { USD_BTC: "0.00002" };
    const resolution = await rateOf(engine, BTC_USD);
    expect(resolution.rate?.toFixed()).toBe("50000");
    expect(resolution.sources[0]).toMatchObject({ provider: "kraken", pair: "BTC_USD", inverted: true, rate: "50000" });
  });

  it("the default rule leaves out providers that cannot quote the pair", async () => {
    const { engine, coinbase, bitfinex } = setup();
    coinbase.supports = (pair: Pair) => pair.base !== "BTC";
    bitfinex.supports = () => false;
    const resolution = await rateOf(engine, BTC_USD);
    expect(resolution).toMatchObject({ expression: "kraken(BTC_USD)", evaluated: "50000" });
    expect(coinbase.calls).toHaveLength(0);
    const none = await rateOf(engine, { base: "BTC", quote: "USD" }, false);
    expect(none.rate?.toFixed()).toBe("50000");
    const nobody = setup({ defaults: ["bitfinex"] });
    nobody.bitfinex.supports = () => false;
    const unquoted = await rateOf(nobody.engine, BTC_USD);
    expect(unquoted.rate).toBeNull();
    expect(unquoted.missing).toEqual([
      { provider: "default", pair: "BTC_USD", reason: "no default provider quotes this pair" },
    ]);
  });

  it("requests at the same time share one fetch", async () => {
    const { engine, kraken } = setup();
    await Promise.all([rateOf(engine, BTC_USD), rateOf(engine, BTC_USD), rateOf(engine, LTC_USD)]);
    expect(kraken.calls).toHaveLength(1);
  });

  it("the background refresh fetches the pairs in use, and the pairs asked for", async () => {
    const { engine, kraken, coinbase } = setup();
    await engine.refresh([{ rules: null, pairs: [BTC_USD] }]);
    expect(kraken.calls).toEqual([[BTC_USD]]);
    expect(coinbase.calls).toEqual([[BTC_USD]]);
    await rateOf(engine, LTC_USD, false);
    await engine.refresh([{ rules: "X_X = kraken(X_X)", pairs: [BTC_USD] }]);
    for (const calls of [kraken.calls, coinbase.calls]) {
      expect(calls[1]).toHaveLength(2);
      expect(calls[1]).toEqual(expect.arrayContaining([BTC_USD, LTC_USD]));
    }
  });

  it("start refreshes in the background without any request; stop aborts what is under way", async () => {
    const { engine, kraken, coinbase } = setup({ refreshMs: 50 });
    coinbase.mode = "hang";
    engine.start(async () => [{ rules: null, pairs: [BTC_USD] }]);
    for (let i = 0; i < 400 && kraken.calls.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(kraken.calls.length).toBeGreaterThanOrEqual(1);
    expect((await rateOf(engine, BTC_USD, false)).rate?.toFixed()).toBe("49950");
    // Coinbase's fetch hangs: stop() resolving at all shows it does not wait for fetches under way.
    await engine.stop();
    const calls = kraken.calls.length;
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(kraken.calls.length).toBe(calls);
  });

  it("fixed rates are always current and never fetched", async () => {
    const clock = { now: 0 };
    const engine = new RateEngine({
      providers: [new FixedProvider([["BTC_USD", new Big("50000")]])],
      defaults: ["fixed"],
      refreshMs: 60_000,
      maxAgeMs: 600_000,
      fetchTimeoutMs: 1000,
      requestTimeoutMs: 100,
      now: () => clock.now,
    });
    engines.push(engine);
    clock.now += 365 * 24 * 3600_000;
    expect((await rateOf(engine, BTC_USD)).rate?.toFixed()).toBe("50000");
    expect((await rateOf(engine, { base: "USD", quote: "BTC" })).rate?.toFixed()).toBe("0.00002");
    const ltc = await rateOf(engine, LTC_USD);
    expect(ltc.rate).toBeNull();
    expect(ltc.missing[0]!.reason).toBe("not configured in TILL_FIXED_RATES");
  });

  it("parses rules once per text and reports syntax errors", () => {
    const { engine } = setup();
    expect(engine.parse("X_X = kraken(X_X)")).toBe(engine.parse("X_X = kraken(X_X)"));
    expect(engine.parse("  ")).toBeNull();
    expect(() => engine.parse("X_X = nope(X_X)")).toThrow(/unknown rate provider "nope"/);
  });

  it("refuses a default provider that is not configured", () => {
    expect(() => setup({ defaults: ["nope"] })).toThrow(/nope/);
  });
});
