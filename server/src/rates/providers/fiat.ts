import { isFiat } from "../currencies.ts";
import { isJsonObject } from "../exact-json.ts";
import { type Pair, pairKey } from "../pair.ts";
import type { ProviderRates, RateProvider } from "../provider.ts";
import { getJson, joinUrl, positiveDecimal, unexpected } from "./http.ts";

/** At most this many base currencies are asked in one refresh (one request each). */
const MAX_BASES = 20;

/**
 * Fiat-to-fiat reference rates from ExchangeRate-API's open access endpoint (no key, updated daily):
 * `GET /v6/latest/USD` → `{"result": "success", "base_code": "USD", "rates": {"USD": 1, "EUR": 0.9013, …}}`.
 * Only pairs of two ISO 4217 currencies are asked; rates are JSON numbers read from the answer's text.
 */
export class FiatProvider implements RateProvider {
  readonly name = "fiat";

  constructor(private readonly options: { baseUrl: string }) {}

  supports(pair: Pair): boolean {
    return isFiat(pair.base) && isFiat(pair.quote);
  }

  async fetch(pairs: readonly Pair[], signal: AbortSignal): Promise<ProviderRates> {
    const bases = [...new Set(pairs.filter((p) => isFiat(p.base) && isFiat(p.quote)).map((p) => p.base))];
    const rates: ProviderRates = new Map();
    if (!bases.length) return rates;
    const answers = await Promise.allSettled(bases.slice(0, MAX_BASES).map((base) => this.ratesFor(base, signal)));
    for (const answer of answers) {
      if (answer.status === "fulfilled") for (const [key, value] of answer.value) rates.set(key, value);
    }
    const failed = answers.find((a): a is PromiseRejectedResult => a.status === "rejected");
    if (failed && rates.size === 0) throw failed.reason;
    return rates;
  }

  private async ratesFor(base: string, signal: AbortSignal): Promise<ProviderRates> {
    const body = await getJson(joinUrl(this.options.baseUrl, `v6/latest/${encodeURIComponent(base)}`), signal);
    if (!isJsonObject(body)) unexpected("not an object");
    if (body.result !== "success")
      unexpected(`result ${JSON.stringify(body.result)} ${String(body["error-type"] ?? "")}`);
    if (!isJsonObject(body.rates)) unexpected("no rates");
    const answeredBase = typeof body.base_code === "string" ? body.base_code.toUpperCase() : base;
    const rates: ProviderRates = new Map();
    for (const [quote, value] of Object.entries(body.rates)) {
      const code = quote.toUpperCase();
      const rate = positiveDecimal(value);
      if (rate && isFiat(code) && code !== answeredBase) rates.set(pairKey({ base: answeredBase, quote: code }), rate);
    }
    return rates;
  }
}
