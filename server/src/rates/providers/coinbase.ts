import { isJsonObject } from "../exact-json.ts";
import { isCurrencyCode, type Pair, pairKey } from "../pair.ts";
import type { ProviderRates, RateProvider } from "../provider.ts";
import { getJson, joinUrl, positiveDecimal, unexpected } from "./http.ts";

/** At most this many base currencies are asked in one refresh (one request each). */
const MAX_BASES = 20;

/**
 * Coinbase `GET /v2/exchange-rates?currency=BTC` → `{"data": {"currency": "BTC", "rates": {"USD": "67000.12", …}}}`:
 * one unit of the base in every currency Coinbase knows, as decimal strings. One request per base currency.
 */
export class CoinbaseProvider implements RateProvider {
  readonly name = "coinbase";

  constructor(private readonly options: { baseUrl: string }) {}

  async fetch(pairs: readonly Pair[], signal: AbortSignal): Promise<ProviderRates> {
    const bases = [...new Set(pairs.map((p) => p.base))].slice(0, MAX_BASES);
    const answers = await Promise.allSettled(bases.map((base) => this.ratesFor(base, signal)));
    const rates: ProviderRates = new Map();
    for (const answer of answers) {
      if (answer.status === "fulfilled") for (const [key, value] of answer.value) rates.set(key, value);
    }
    const failed = answers.find((a): a is PromiseRejectedResult => a.status === "rejected");
    // A base Coinbase does not know fails alone; when every request failed, so does the fetch.
    if (failed && rates.size === 0) throw failed.reason;
    return rates;
  }

  private async ratesFor(base: string, signal: AbortSignal): Promise<ProviderRates> {
    const url = `${joinUrl(this.options.baseUrl, "v2/exchange-rates")}?currency=${encodeURIComponent(base)}`;
    const body = await getJson(url, signal);
    const data = isJsonObject(body) ? body.data : undefined;
    if (!isJsonObject(data) || !isJsonObject(data.rates)) unexpected("no data.rates");
    const answeredBase = typeof data.currency === "string" ? data.currency.toUpperCase() : base;
    const rates: ProviderRates = new Map();
    for (const [quote, value] of Object.entries(data.rates)) {
      const code = quote.toUpperCase();
      const rate = positiveDecimal(value);
      if (rate && isCurrencyCode(code) && code !== answeredBase)
        rates.set(pairKey({ base: answeredBase, quote: code }), rate);
    }
    return rates;
  }
}
