import type { Big } from "../kernel/money.ts";
import type { Pair } from "./pair.ts";

/** Rates one provider answered, by pair key (`BTC_USD`), each an exact decimal. */
export type ProviderRates = Map<string, Big>;

/**
 * A source of exchange rates. `fetch` asks the source for (at least) the pairs given; sources that answer
 * everything in one request may return more. A failure (network, HTTP status, unreadable answer) rejects:
 * a provider never answers a rate it did not read from the source.
 */
export interface RateProvider {
  readonly name: string;
  fetch(pairs: readonly Pair[], signal: AbortSignal): Promise<ProviderRates>;
  /**
   * Whether the source can quote the pair at all (CoinGecko needs a coin it knows, the fiat source two fiat
   * currencies). The default rule leaves out providers that cannot; absent means any pair may be quoted.
   */
  supports?(pair: Pair): boolean;
}

/** A provider whose rates are known locally (configuration): always current, never fetched over a network. */
export interface LocalRateProvider extends RateProvider {
  readonly local: true;
  current(): ProviderRates;
}

export const isLocalProvider = (provider: RateProvider): provider is LocalRateProvider =>
  (provider as Partial<LocalRateProvider>).local === true;

/** Raised by a provider when the source answered something it cannot read as rates. */
export class ProviderResponseError extends Error {
  override name = "ProviderResponseError";
}
