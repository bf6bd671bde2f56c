import { isJsonObject } from "../exact-json.ts";
import { isCurrencyCode, type Pair, pairKey } from "../pair.ts";
import type { ProviderRates, RateProvider } from "../provider.ts";
import { getJson, joinUrl, positiveDecimal, unexpected } from "./http.ts";
import { splitSymbol } from "./symbols.ts";

/** Binance's quote assets. Binance has no USD market: its dollar pairs are USDT, USDC and FDUSD. */
const QUOTES = [
  "USDT",
  "USDC",
  "FDUSD",
  "TUSD",
  "BUSD",
  "USDP",
  "DAI",
  "BTC",
  "ETH",
  "BNB",
  "EUR",
  "EURI",
  "GBP",
  "TRY",
  "BRL",
  "ARS",
  "MXN",
  "COP",
  "JPY",
  "AUD",
  "ZAR",
  "PLN",
  "RON",
  "CZK",
  "UAH",
  "IDR",
  "NGN",
  "RUB",
  "XRP",
  "TRX",
  "DOGE",
  "SOL",
];

/**
 * Binance `GET /api/v3/ticker/price` (every symbol in one answer) →
 * `[{"symbol": "LTCBTC", "price": "4.00000200"}, …]`; prices are decimal strings.
 */
export class BinanceProvider implements RateProvider {
  readonly name = "binance";

  constructor(private readonly options: { baseUrl: string }) {}

  async fetch(_pairs: readonly Pair[], signal: AbortSignal): Promise<ProviderRates> {
    const body = await getJson(joinUrl(this.options.baseUrl, "api/v3/ticker/price"), signal);
    if (!Array.isArray(body)) unexpected(isJsonObject(body) && typeof body.msg === "string" ? body.msg : "not a list");
    const rates: ProviderRates = new Map();
    for (const ticker of body) {
      if (!isJsonObject(ticker) || typeof ticker.symbol !== "string") continue;
      const p = splitSymbol(ticker.symbol, QUOTES);
      const price = positiveDecimal(ticker.price);
      if (p && price && isCurrencyCode(p.base)) rates.set(pairKey(p), price);
    }
    return rates;
  }
}
