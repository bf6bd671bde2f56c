import { isCurrencyCode, type Pair, pairKey } from "../pair.ts";
import type { ProviderRates, RateProvider } from "../provider.ts";
import { getJson, joinUrl, positiveDecimal, unexpected } from "./http.ts";

/** Bitfinex's three-letter names for assets whose usual ticker is longer. */
const BITFINEX_ASSETS: Readonly<Record<string, string>> = { UST: "USDT", UDC: "USDC", DSH: "DASH", IOT: "IOTA" };

const asset = (code: string) => BITFINEX_ASSETS[code] ?? code;

/** `tBTCUSD` → BTC_USD, `tTESTBTC:TESTUSD` → TESTBTC_TESTUSD, `tBTCUST` → BTC_USDT; funding symbols → null. */
export function bitfinexPair(symbol: string): Pair | null {
  if (!symbol.startsWith("t")) return null;
  const name = symbol.slice(1);
  const [base, quote] = name.includes(":") ? name.split(":") : [name.slice(0, 3), name.slice(3)];
  if (!base || !quote || name.split(":").length > 2) return null;
  if (!isCurrencyCode(base) || !isCurrencyCode(quote)) return null;
  return { base: asset(base), quote: asset(quote) };
}

/** Index of LAST_PRICE in a trading ticker: [SYMBOL, BID, BID_SIZE, ASK, ASK_SIZE, DAILY_CHANGE, DAILY_CHANGE_RELATIVE, LAST_PRICE, …]. */
const LAST_PRICE = 7;

/**
 * Bitfinex `GET /v2/tickers?symbols=ALL` → `[["tBTCUSD", 7616.5, 31.89, 7617.5, 43.35, -550.8, -0.0674, 7617.1, …], …]`.
 * Prices are JSON numbers; they are read from the answer's text, never through a float.
 */
export class BitfinexProvider implements RateProvider {
  readonly name = "bitfinex";

  constructor(private readonly options: { baseUrl: string }) {}

  async fetch(_pairs: readonly Pair[], signal: AbortSignal): Promise<ProviderRates> {
    const body = await getJson(`${joinUrl(this.options.baseUrl, "v2/tickers")}?symbols=ALL`, signal);
    if (!Array.isArray(body)) unexpected("not a list");
    if (body[0] === "error") unexpected(body.map(String).join(" "));
    const rates: ProviderRates = new Map();
    for (const ticker of body) {
      if (!Array.isArray(ticker) || typeof ticker[0] !== "string") continue;
      const p = bitfinexPair(ticker[0]);
      const last = positiveDecimal(ticker[LAST_PRICE]);
      if (p && last) rates.set(pairKey(p), last);
    }
    return rates;
  }
}
