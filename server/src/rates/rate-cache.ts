import { Big } from "../kernel/money.ts";
import { inverse, type Pair, pairKey } from "./pair.ts";
import type { ProviderRates } from "./provider.ts";
import type { LookupResult } from "./rule-evaluator.ts";

interface Quote {
  rate: Big;
  fetchedAt: number;
}

export interface ProviderHealth {
  provider: string;
  /** ISO time of the last fetch that answered, or null. */
  last_success: string | null;
  /** ISO time of the last fetch that failed, or null. */
  last_error: string | null;
  last_error_message: string | null;
  consecutive_failures: number;
  /** Rates held, fresh or not. */
  rates: number;
}

/** Rates older than the maximum age stay here (for health and messages) but are never answered. */
export class RateCache {
  private readonly quotes = new Map<string, Map<string, Quote>>();
  private readonly codes = new Set<string>();
  private readonly state = new Map<
    string,
    { success: number | null; error: number | null; message: string | null; failures: number }
  >();

  constructor(private readonly maxAgeMs: number) {}

  store(provider: string, rates: ProviderRates, at: number): void {
    let book = this.quotes.get(provider);
    if (!book) {
      book = new Map();
      this.quotes.set(provider, book);
    }
    for (const [key, rate] of rates) {
      book.set(key, { rate, fetchedAt: at });
      for (const code of key.split("_")) this.codes.add(code);
    }
    const state = this.stateOf(provider);
    state.success = at;
    state.failures = 0;
  }

  failed(provider: string, message: string, at: number): void {
    const state = this.stateOf(provider);
    state.error = at;
    state.message = message;
    state.failures++;
  }

  /** When the provider last answered, or null. */
  lastSuccess(provider: string): number | null {
    return this.state.get(provider)?.success ?? null;
  }

  /** When the provider last failed, if that is more recent than its last answer. */
  failingSince(provider: string): number | null {
    const state = this.state.get(provider);
    if (!state?.error || (state.success !== null && state.success >= state.error)) return null;
    return state.error;
  }

  /**
   * The provider's fresh rate for the pair, or for its inverse (then 1 / it); otherwise why there is none.
   * Only a rate fetched within the maximum age is answered.
   */
  lookup(provider: string, pair: Pair, now: number): LookupResult {
    const book = this.quotes.get(provider);
    const direct = book?.get(pairKey(pair));
    const flipped = book?.get(pairKey(inverse(pair)));
    const fresh = (quote: Quote | undefined) => quote !== undefined && now - quote.fetchedAt <= this.maxAgeMs;
    if (fresh(direct)) return { ok: true, rate: direct!.rate, fetchedAt: direct!.fetchedAt, inverted: false };
    if (fresh(flipped)) {
      return { ok: true, rate: new Big(1).div(flipped!.rate), fetchedAt: flipped!.fetchedAt, inverted: true };
    }
    const state = this.state.get(provider);
    const failure = this.failingSince(provider) !== null ? ` (last fetch failed: ${state?.message})` : "";
    const held = direct ?? flipped;
    if (held) {
      const age = Math.round((now - held.fetchedAt) / 1000);
      return {
        ok: false,
        reason: `stale: fetched ${age} s ago, older than the maximum of ${Math.round(this.maxAgeMs / 1000)} s${failure}`,
      };
    }
    if (failure) return { ok: false, reason: `provider error: ${state?.message}` };
    if (state?.success) return { ok: false, reason: "not offered by this provider" };
    return { ok: false, reason: "not fetched yet" };
  }

  /** Whether some provider has answered a rate involving this currency. */
  hasCurrency(code: string): boolean {
    return this.codes.has(code);
  }

  health(provider: string): ProviderHealth {
    const state = this.state.get(provider);
    const iso = (at: number | null | undefined) => (at ? new Date(at).toISOString() : null);
    return {
      provider,
      last_success: iso(state?.success),
      last_error: iso(state?.error),
      last_error_message: state?.message ?? null,
      consecutive_failures: state?.failures ?? 0,
      rates: this.quotes.get(provider)?.size ?? 0,
    };
  }

  private stateOf(provider: string) {
    let state = this.state.get(provider);
    if (!state) {
      state = { success: null, error: null, message: null, failures: 0 };
      this.state.set(provider, state);
    }
    return state;
  }
}
