/**
 * Every provider reads its recorded answer (served from 127.0.0.1, never the internet) into exact rates, and
 * turns an outage, a timeout or an unreadable answer into an error instead of a rate.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { RATE_PROVIDERS } from "../src/config/schema.ts";
import type { Big } from "../src/kernel/money.ts";
import type { Pair } from "../src/rates/pair.ts";
import { ProviderResponseError } from "../src/rates/provider.ts";
import {
  BinanceProvider,
  BitfinexProvider,
  CoinbaseProvider,
  CoinGeckoProvider,
  createProviders,
  FiatProvider,
  type FixedProvider,
  KrakenProvider,
} from "../src/rates/providers/index.ts";
import { RateServer } from "./helpers/rate-server.ts";

const BTC_USD: Pair = { base: "BTC", quote: "USD" };
const LTC_EUR: Pair = { base: "LTC", quote: "EUR" };

const asText = (rates: Map<string, Big>) => Object.fromEntries([...rates].map(([k, v]) => [k, v.toFixed()]));
const signal = () => AbortSignal.timeout(5000);

describe("rate providers read their recorded answers", () => {
  let server: RateServer;

  beforeAll(async () => {
    server = await RateServer.start();
  });
  beforeEach(() => server.reset());
  afterAll(() => server.close());

  it("CoinGecko: simple/price for the coins and quotes asked, digits kept beyond a float's precision", async () => {
    const provider = new CoinGeckoProvider({ baseUrl: server.baseUrl("coingecko") });
    const rates = asText(await provider.fetch([BTC_USD, LTC_EUR, { base: "EUR", quote: "BTC" }], signal()));
    expect(rates).toEqual({
      BTC_USD: "67187.33589365664123",
      BTC_EUR: "61893.42716331224",
      LTC_USD: "84.23516847391026",
      LTC_EUR: "77.5917632351",
    });
    const [request] = server.requestsTo("coingecko");
    expect(request!.path).toBe("/coingecko/api/v3/simple/price");
    expect(request!.query.get("ids")!.split(",").sort()).toEqual(["bitcoin", "litecoin"]);
    expect(request!.query.get("vs_currencies")!.split(",").sort()).toEqual(["eur", "usd"]);
    expect(request!.query.get("precision")).toBe("full");
    expect(request!.headers["x-cg-demo-api-key"]).toBeUndefined();
  });

  it("CoinGecko: sends the API key in the demo header, or the pro header for the Pro API", async () => {
    await new CoinGeckoProvider({ baseUrl: server.baseUrl("coingecko"), apiKey: "demo-key" }).fetch(
      [BTC_USD],
      signal(),
    );
    expect(server.requestsTo("coingecko")[0]!.headers["x-cg-demo-api-key"]).toBe("demo-key");
    const pro = new CoinGeckoProvider({
      baseUrl: `${server.url}/coingecko/pro-api.coingecko.com/api/v3`,
      apiKey: "pro-key",
    });
    await pro.fetch([BTC_USD], signal()).catch(() => undefined);
    expect(server.requestsTo("coingecko")[1]!.headers["x-cg-pro-api-key"]).toBe("pro-key");
  });

  it("CoinGecko: asks nothing when no coin it knows is involved", async () => {
    const rates = await new CoinGeckoProvider({ baseUrl: server.baseUrl("coingecko") }).fetch(
      [{ base: "USD", quote: "EUR" }],
      signal(),
    );
    expect(rates.size).toBe(0);
    expect(server.requestsTo("coingecko")).toHaveLength(0);
  });

  it("CoinGecko and the fiat source say which pairs they can quote at all", () => {
    const coingecko = new CoinGeckoProvider({ baseUrl: server.baseUrl("coingecko") });
    expect(
      [BTC_USD, { base: "USD", quote: "LTC" }, { base: "USD", quote: "EUR" }].map((p) => coingecko.supports(p)),
    ).toEqual([true, true, false]);
    const fiat = new FiatProvider({ baseUrl: server.baseUrl("fiat") });
    expect([BTC_USD, { base: "USD", quote: "EUR" }].map((p) => fiat.supports(p))).toEqual([false, true]);
  });

  it("Kraken: Ticker's last trade price under Kraken's pair names, legacy and new", async () => {
    const rates = asText(await new KrakenProvider({ baseUrl: server.baseUrl("kraken") }).fetch([BTC_USD], signal()));
    expect(rates).toEqual({
      BTC_USD: "67190.1",
      BTC_EUR: "61900",
      LTC_USD: "84.24",
      LTC_BTC: "0.0012535",
      BTC_USDT: "67188.4",
      USDT_USD: "1",
      DOGE_USD: "0.123445",
      XTZ_USD: "0.9115",
      EUR_USD: "1.08555",
    });
    expect(server.requestsTo("kraken")[0]!.path).toBe("/kraken/0/public/Ticker");
  });

  it("Kraken: an answer with errors is an error", async () => {
    server.set("kraken", { status: 200, body: '{"error":["EService:Unavailable"]}' });
    await expect(new KrakenProvider({ baseUrl: server.baseUrl("kraken") }).fetch([BTC_USD], signal())).rejects.toThrow(
      /EService:Unavailable/,
    );
  });

  it("Binance: ticker/price symbols split at their quote asset; zero prices dropped", async () => {
    const rates = asText(await new BinanceProvider({ baseUrl: server.baseUrl("binance") }).fetch([BTC_USD], signal()));
    expect(rates).toMatchObject({
      ETH_BTC: "0.05133",
      LTC_BTC: "0.001253",
      BTC_USDT: "67188.01",
      LTC_USDT: "84.21",
      BTC_EUR: "61895.12",
      LTC_EUR: "77.6",
      BTC_FDUSD: "67190",
      BTC_TUSD: "67195.55",
      BNB_USDC: "596.1",
      USDT_TRY: "32.41",
      DOGE_USDT: "0.12345",
    });
    expect(rates.BTC_USD).toBeUndefined();
    expect(rates.OLD_BTC).toBeUndefined();
    expect(server.requestsTo("binance")[0]!.path).toBe("/binance/api/v3/ticker/price");
  });

  it("Coinbase: exchange-rates per base currency, decimal strings", async () => {
    const provider = new CoinbaseProvider({ baseUrl: server.baseUrl("coinbase") });
    const rates = asText(await provider.fetch([BTC_USD, LTC_EUR, { base: "LTC", quote: "USD" }], signal()));
    expect(rates).toMatchObject({ BTC_USD: "67350.255", BTC_EUR: "62010.5", LTC_EUR: "77.5524", LTC_USD: "84.2342" });
    expect(rates.BTC_BTC).toBeUndefined();
    expect(
      server
        .requestsTo("coinbase")
        .map((r) => r.query.get("currency"))
        .sort(),
    ).toEqual(["BTC", "LTC"]);
  });

  it("Coinbase: a base it does not know fails alone; all failing fails the fetch", async () => {
    const provider = new CoinbaseProvider({ baseUrl: server.baseUrl("coinbase") });
    const rates = await provider.fetch([BTC_USD, { base: "ZZZ", quote: "USD" }], signal());
    expect(rates.get("BTC_USD")?.toFixed()).toBe("67350.255");
    await expect(provider.fetch([{ base: "ZZZ", quote: "USD" }], signal())).rejects.toThrow(/HTTP 400/);
  });

  it("Bitfinex: trading tickers' LAST_PRICE from JSON numbers; funding tickers skipped", async () => {
    const rates = asText(
      await new BitfinexProvider({ baseUrl: server.baseUrl("bitfinex") }).fetch([BTC_USD], signal()),
    );
    expect(rates).toEqual({
      BTC_USD: "67200",
      LTC_USD: "84.22",
      BTC_EUR: "61903.5",
      LTC_BTC: "0.0012536",
      BTC_USDT: "67180.5",
      TESTBTC_TESTUSD: "100.5",
      DOGE_USD: "0.12344",
    });
    expect(server.requestsTo("bitfinex")[0]!.query.get("symbols")).toBe("ALL");
  });

  it("fiat: ExchangeRate-API's latest rates for fiat bases only, ISO 4217 quotes only", async () => {
    const provider = new FiatProvider({ baseUrl: server.baseUrl("fiat") });
    const rates = asText(
      await provider.fetch([{ base: "USD", quote: "EUR" }, BTC_USD, { base: "EUR", quote: "BTC" }], signal()),
    );
    expect(rates).toEqual({
      USD_AED: "3.6725",
      USD_BHD: "0.376",
      USD_CAD: "1.364277",
      USD_CHF: "0.902153",
      USD_EUR: "0.921681",
      USD_GBP: "0.785107",
      USD_JPY: "157.210318",
      USD_KWD: "0.306771",
    });
    expect(server.requestsTo("fiat").map((r) => r.path)).toEqual(["/fiat/v6/latest/USD"]);
  });

  it("fiat: an error result is an error", async () => {
    const provider = new FiatProvider({ baseUrl: server.baseUrl("fiat") });
    server.set("fiat", { status: 200, body: '{"result":"error","error-type":"unsupported-code"}' });
    await expect(provider.fetch([{ base: "USD", quote: "EUR" }], signal())).rejects.toThrow(/unsupported-code/);
  });

  it("fixed: the configured rates, always, without any request", async () => {
    const providers = createProviders({
      urls: {
        coingecko: server.baseUrl("coingecko"),
        kraken: server.baseUrl("kraken"),
        binance: server.baseUrl("binance"),
        coinbase: server.baseUrl("coinbase"),
        bitfinex: server.baseUrl("bitfinex"),
        fiat: server.baseUrl("fiat"),
      },
      fixed: { BTC_USD: "50000", BTC_EUR: "45000.5" },
    });
    const fixed = providers.find((p) => p.name === "fixed") as FixedProvider;
    expect(asText(fixed.current())).toEqual({ BTC_USD: "50000", BTC_EUR: "45000.5" });
    // The configuration's list of provider names (TILL_RATES_PROVIDERS) is exactly what exists.
    expect(providers.map((p) => p.name)).toEqual([...RATE_PROVIDERS]);
    expect(server.requests).toHaveLength(0);
  });

  describe("failures are errors, never rates", () => {
    const all = () => [
      new CoinGeckoProvider({ baseUrl: server.baseUrl("coingecko") }),
      new KrakenProvider({ baseUrl: server.baseUrl("kraken") }),
      new BinanceProvider({ baseUrl: server.baseUrl("binance") }),
      new CoinbaseProvider({ baseUrl: server.baseUrl("coinbase") }),
      new BitfinexProvider({ baseUrl: server.baseUrl("bitfinex") }),
      new FiatProvider({ baseUrl: server.baseUrl("fiat") }),
    ];
    const asked = [BTC_USD, { base: "USD", quote: "EUR" }];

    it("HTTP 500", async () => {
      for (const provider of all()) {
        server.set(provider.name as "kraken", { status: 500 });
        await expect(provider.fetch(asked, signal()), provider.name).rejects.toThrow(/HTTP 500/);
      }
    });

    it("an answer that is not JSON, or not the provider's shape", async () => {
      for (const provider of all()) {
        server.set(provider.name as "kraken", { status: 200, body: "<html>maintenance</html>" });
        await expect(provider.fetch(asked, signal()), provider.name).rejects.toBeInstanceOf(ProviderResponseError);
        server.set(provider.name as "kraken", { status: 200, body: '"ok"' });
        await expect(provider.fetch(asked, signal()), provider.name).rejects.toBeInstanceOf(ProviderResponseError);
      }
    });

    it("no answer within the timeout", async () => {
      for (const provider of all()) {
        server.set(provider.name as "kraken", "hang");
        await expect(provider.fetch(asked, AbortSignal.timeout(200)), provider.name).rejects.toThrow();
      }
    });

    it("a connection refused", async () => {
      const closed = new KrakenProvider({ baseUrl: "http://127.0.0.1:9" });
      await expect(closed.fetch(asked, signal())).rejects.toThrow();
    });
  });
});
