import { parseDecimal } from "../../kernel/money.ts";
import type { RateProvider } from "../provider.ts";
import { BinanceProvider } from "./binance.ts";
import { BitfinexProvider } from "./bitfinex.ts";
import { CoinbaseProvider } from "./coinbase.ts";
import { CoinGeckoProvider } from "./coingecko.ts";
import { FiatProvider } from "./fiat.ts";
import { FixedProvider } from "./fixed.ts";
import { KrakenProvider } from "./kraken.ts";

export { bitfinexPair } from "./bitfinex.ts";
export { krakenPair } from "./kraken.ts";
export {
  BinanceProvider,
  BitfinexProvider,
  CoinbaseProvider,
  CoinGeckoProvider,
  FiatProvider,
  FixedProvider,
  KrakenProvider,
};

export interface ProviderSettings {
  urls: { coingecko: string; kraken: string; binance: string; coinbase: string; bitfinex: string; fiat: string };
  coingeckoApiKey?: string | undefined;
  /** Pair → positive decimal text; the `fixed` provider exists only when this has entries. */
  fixed: Record<string, string>;
}

/** Every provider Till has, each pointed at its configured base URL. */
export function createProviders(settings: ProviderSettings): RateProvider[] {
  const providers: RateProvider[] = [
    new CoinGeckoProvider({ baseUrl: settings.urls.coingecko, apiKey: settings.coingeckoApiKey }),
    new KrakenProvider({ baseUrl: settings.urls.kraken }),
    new BinanceProvider({ baseUrl: settings.urls.binance }),
    new CoinbaseProvider({ baseUrl: settings.urls.coinbase }),
    new BitfinexProvider({ baseUrl: settings.urls.bitfinex }),
    new FiatProvider({ baseUrl: settings.urls.fiat }),
  ];
  const fixed = Object.entries(settings.fixed).flatMap(([pair, text]) => {
    const rate = parseDecimal(text);
    return rate?.gt(0) ? [[pair.toUpperCase(), rate] as const] : [];
  });
  if (fixed.length) providers.push(new FixedProvider(fixed));
  return providers;
}
