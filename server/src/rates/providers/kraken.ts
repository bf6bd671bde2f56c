import { isJsonObject } from "../exact-json.ts";
import { isCurrencyCode, type Pair, pairKey } from "../pair.ts";
import type { ProviderRates, RateProvider } from "../provider.ts";
import { getJson, joinUrl, positiveDecimal, unexpected } from "./http.ts";
import { splitSymbol } from "./symbols.ts";

/** Kraken's own names for assets whose usual ticker differs. */
const KRAKEN_ASSETS: Readonly<Record<string, string>> = { XBT: "BTC", XDG: "DOGE" };

/**
 * Kraken quotes, longest first. The four-letter X/Z forms are Kraken's legacy asset names (`XXBTZUSD`,
 * `XETHZEUR`), whose base carries the same one-letter prefix.
 */
const LEGACY_QUOTES = ["ZUSD", "ZEUR", "ZGBP", "ZCAD", "ZJPY", "ZAUD", "ZCHF", "XXBT", "XETH"];
const QUOTES = ["PYUSD", "USDT", "USDC", "USDG", "RLUSD", "EURC", "DAI", "USD", "EUR", "GBP", "CAD", "JPY", "AUD"];
const MORE_QUOTES = ["CHF", "AED", "XBT", "ETH", "DOT", "SOL", "POL"];

const asset = (code: string) => KRAKEN_ASSETS[code] ?? code;

/**
 * `XXBTZUSD` → BTC_USD, `USDTZUSD` → USDT_USD, `XBTUSDT` → BTC_USDT, `XDGUSD` → DOGE_USD, `XTZUSD` → XTZ_USD;
 * null when unrecognised.
 */
export function krakenPair(name: string): Pair | null {
  const legacy = splitSymbol(name, LEGACY_QUOTES);
  // A legacy quote comes with a four-letter base: X/Z-prefixed (XXBT, ZEUR) or a newer asset kept whole (USDT).
  if (legacy && legacy.base.length === 4) {
    const base = /^[XZ]/.test(legacy.base) ? legacy.base.slice(1) : legacy.base;
    return { base: asset(base), quote: asset(legacy.quote.slice(1)) };
  }
  const modern = splitSymbol(name, [...QUOTES, ...MORE_QUOTES]);
  if (!modern || !isCurrencyCode(modern.base)) return null;
  return { base: asset(modern.base), quote: asset(modern.quote) };
}

/**
 * Kraken `GET /0/public/Ticker` (every pair in one answer) →
 * `{"error": [], "result": {"XXBTZUSD": {"c": ["30303.20000", "0.00067643"], …}}}`; the rate is the last trade
 * price `c[0]`, which Kraken sends as a decimal string.
 */
export class KrakenProvider implements RateProvider {
  readonly name = "kraken";

  constructor(private readonly options: { baseUrl: string }) {}

  async fetch(_pairs: readonly Pair[], signal: AbortSignal): Promise<ProviderRates> {
    const body = await getJson(joinUrl(this.options.baseUrl, "0/public/Ticker"), signal);
    if (!isJsonObject(body)) unexpected("not an object");
    const errors = body.error;
    if (Array.isArray(errors) && errors.length) unexpected(errors.map(String).join("; "));
    const result = body.result;
    if (!isJsonObject(result)) unexpected("no result");
    const rates: ProviderRates = new Map();
    for (const [name, ticker] of Object.entries(result)) {
      if (!isJsonObject(ticker) || !Array.isArray(ticker.c)) continue;
      const p = krakenPair(name);
      const last = positiveDecimal(ticker.c[0]);
      if (p && last) rates.set(pairKey(p), last);
    }
    return rates;
  }
}
