import type { Big } from "../../kernel/money.ts";
import type { Pair } from "../pair.ts";
import type { LocalRateProvider, ProviderRates } from "../provider.ts";

/**
 * Rates from configuration (`TILL_FIXED_RATES=BTC_USD=50000,BTC_EUR=45000`), for offline installations,
 * regtest demos and tests. They never go stale: they are what the operator set.
 */
export class FixedProvider implements LocalRateProvider {
  readonly name = "fixed";
  readonly local = true;
  private readonly rates: ProviderRates;

  constructor(rates: ReadonlyMap<string, Big> | Iterable<readonly [string, Big]>) {
    this.rates = new Map(rates);
  }

  current(): ProviderRates {
    return new Map(this.rates);
  }

  async fetch(_pairs: readonly Pair[]): Promise<ProviderRates> {
    return this.current();
  }
}
