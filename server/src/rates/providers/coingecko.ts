import type { Big } from "../../kernel/money.ts";
import { isJsonObject } from "../exact-json.ts";
import { type Pair, pairKey } from "../pair.ts";
import type { ProviderRates, RateProvider } from "../provider.ts";
import { getJson, joinUrl, positiveDecimal, unexpected } from "./http.ts";

/** CoinGecko's API ids of the coins it is asked about (its `simple/price` takes ids, not ticker symbols). */
export const COINGECKO_IDS: Readonly<Record<string, string>> = {
  BTC: "bitcoin",
  LTC: "litecoin",
  ETH: "ethereum",
  BCH: "bitcoin-cash",
  DOGE: "dogecoin",
  XMR: "monero",
  DASH: "dash",
  XRP: "ripple",
  TRX: "tron",
  BNB: "binancecoin",
  SOL: "solana",
  POL: "polygon-ecosystem-token",
  USDT: "tether",
  USDC: "usd-coin",
  DAI: "dai",
};

export interface CoinGeckoOptions {
  baseUrl: string;
  /** Sent as `x-cg-pro-api-key` when the URL is the Pro API, else as `x-cg-demo-api-key`. */
  apiKey?: string | undefined;
}

/**
 * CoinGecko `GET /simple/price?ids=bitcoin&vs_currencies=usd,eur&precision=full` →
 * `{"bitcoin": {"usd": 67187.3358936566, "eur": …}}`: one request for every coin and quote asked.
 */
export class CoinGeckoProvider implements RateProvider {
  readonly name = "coingecko";

  constructor(private readonly options: CoinGeckoOptions) {}

  supports(pair: Pair): boolean {
    return COINGECKO_IDS[pair.base] !== undefined || COINGECKO_IDS[pair.quote] !== undefined;
  }

  async fetch(pairs: readonly Pair[], signal: AbortSignal): Promise<ProviderRates> {
    const coins = new Set<string>();
    const quotes = new Set<string>();
    for (const p of pairs) {
      // USD_BTC is read from the BTC price in USD; the engine inverts it.
      if (COINGECKO_IDS[p.base]) {
        coins.add(p.base);
        quotes.add(p.quote);
      }
      if (COINGECKO_IDS[p.quote]) {
        coins.add(p.quote);
        quotes.add(p.base);
      }
    }
    const rates: ProviderRates = new Map();
    if (!coins.size) return rates;
    const ids = [...coins].map((c) => COINGECKO_IDS[c]!);
    const vs = [...quotes].map((q) => q.toLowerCase());
    const url = `${joinUrl(this.options.baseUrl, "simple/price")}?ids=${ids.join(",")}&vs_currencies=${vs.join(",")}&precision=full`;
    const headers: Record<string, string> = {};
    if (this.options.apiKey) {
      headers[/pro-api\./.test(this.options.baseUrl) ? "x-cg-pro-api-key" : "x-cg-demo-api-key"] = this.options.apiKey;
    }
    const body = await getJson(url, signal, headers);
    if (!isJsonObject(body)) unexpected("not an object");
    for (const coin of coins) {
      const prices = body[COINGECKO_IDS[coin]!];
      if (!isJsonObject(prices)) continue;
      for (const quote of vs) {
        const price: Big | null = positiveDecimal(prices[quote]);
        if (price) rates.set(pairKey({ base: coin, quote: quote.toUpperCase() }), price);
      }
    }
    return rates;
  }
}
