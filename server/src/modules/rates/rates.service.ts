import type { Actor } from "../../kernel/actor.ts";
import { AppError, notFound, unprocessable } from "../../kernel/errors.ts";
import { Big, formatDecimal, parseDecimal } from "../../kernel/money.ts";
import {
  currencyDivisibility,
  type EngineHealth,
  fiatCurrency,
  filterFiatCodes,
  isCurrencyCode,
  type Pair,
  pairKey,
  parsePair,
  type RateEngine,
  type RatesSeed,
  type Resolution,
  type RuleSet,
  RuleSyntaxError,
  type SourceRate,
  showRate,
  traceText,
} from "../../rates/index.ts";

/** What the rates module reads from stores, wallets and users; wired by the composition root. */
export interface RatesDeps {
  /** Enabled coins, as wallet currencies (`btc`, `ltc`). */
  coins(): readonly string[];
  /** A store's rate rules and default currency; null when there is no such store. */
  store(storeId: string): Promise<{ rules: string; defaultCurrency: string } | null>;
  /** 404 unless the caller owns the store. */
  assertStoreOwned(actor: Actor, storeId: string): Promise<void>;
  /** Writes the rules into the store's checkout settings. */
  saveStoreRules(actor: Actor, storeId: string, rules: string): Promise<void>;
  /** Every store's rules and default currency: the pairs kept fresh in the background. */
  allStores(): Promise<{ rules: string; defaultCurrency: string }[]>;
  /** A wallet's currency (`btc`), or null when there is no such wallet. */
  walletCurrency(walletId: string): Promise<string | null>;
  /** The caller's balance currency and the confirmed balance of each of their wallets (coin units, decimal text). */
  balances(actor: Actor): Promise<{ currency: string; wallets: { currency: string; balance: string }[] }>;
}

/** How a rate was found, kept with a price so it can be explained later. */
export interface RateTrace {
  pair: string;
  rule: string;
  expression: string;
  evaluated: string;
  /** `kraken(BTC_USD) = 50000`. */
  text: string;
  sources: SourceRate[];
}

export interface PriceQuote {
  rate: Big;
  trace: RateTrace;
}

/** Bitcart tests new rules on this pair. */
const PROBE = { base: "BTC", quote: "USD" } as const;
const MAX_PAIRS_PER_REQUEST = 50;

const presentTrace = (resolution: Resolution): RateTrace => ({
  pair: resolution.pair,
  rule: resolution.rule,
  expression: resolution.expression,
  evaluated: resolution.evaluated,
  text: traceText(resolution),
  sources: resolution.sources,
});

/** Why a pair has no rate: the rule's error, or each provider rate that was missing and why. */
function whyNoRate(resolution: Resolution): string {
  if (resolution.error) return resolution.error;
  if (!resolution.missing.length) return "no provider answered";
  return resolution.missing.map((m) => `${m.provider}(${m.pair}) ${m.reason}`).join("; ");
}

const noRate = (resolution: Resolution) =>
  unprocessable(`No fresh exchange rate for ${resolution.pair}: ${whyNoRate(resolution)}`);

const successMessage = (resolution: Resolution) =>
  `${resolution.pair}: ${showRate(resolution.rate!)} resolved by ${traceText(resolution)}`;

/**
 * Prices in other currencies for stores, wallets and invoices. Every answer is either a fresh rate with the
 * trace of how it was found, or a clear error naming the pair: never a guessed or stale rate.
 */
export class RatesService {
  constructor(
    private readonly engine: RateEngine,
    private readonly deps: RatesDeps,
    private readonly settings: { refreshSeconds: number; maxAgeSeconds: number },
  ) {}

  /** Starts the background refresher (pairs in use: every store's coins × default currency, and pairs asked for). */
  start(): void {
    this.engine.start(() => this.seeds());
  }

  stop(): Promise<void> {
    return this.engine.stop();
  }

  /**
   * The price of one `coin` in `fiat` (BTC in USD), through the store's rate rules when a store is given.
   * Throws a 422 naming the pair when no fresh rate exists. A coin priced in itself is 1.
   */
  async priceIn(coin: string, fiat: string, storeId?: string): Promise<PriceQuote> {
    if (storeId === undefined) return this.priceWithRules(coin, fiat, null);
    const store = await this.deps.store(storeId);
    if (!store) throw notFound("Store");
    return this.priceWithRules(coin, fiat, store.rules);
  }

  /** As `priceIn`, with a store's rules text the caller already read (invoice creation reads its store once). */
  async priceWithRules(coin: string, fiat: string, rulesText: string | null): Promise<PriceQuote> {
    const target = this.pairOf(coin, fiat);
    const rules = rulesText === null ? null : this.storeRules(rulesText, pairKey(target));
    const [resolution] = await this.engine.resolve(rules, [target], { fetchOnMiss: true });
    if (!resolution?.rate) throw noRate(resolution!);
    return { rate: resolution.rate, trace: presentTrace(resolution) };
  }

  /** Decimals of an amount in `code`: ISO 4217 minor units for fiat, 8 for the enabled coins; 422 otherwise. */
  fiatDivisibility(code: string): number {
    const upper = code.trim().toUpperCase();
    if (!fiatCurrency(upper) && !this.isCoin(upper)) throw unprocessable(`Unsupported currency: ${code}`);
    return currencyDivisibility(upper);
  }

  /** `GET /stores/{id}/rates`: each pair's rate through the store's rules, or null and why. */
  async storeRates(
    storeId: string,
    currencies: string,
    draftRules?: string,
  ): Promise<{ rates: { pair: string; rate: string | null; message: string }[] }> {
    const stored = await this.deps.store(storeId);
    if (!stored) throw notFound("Store");
    const store = draftRules === undefined ? stored : { ...stored, rules: draftRules };
    const asked = currencies
      .split(",")
      .map((c) => c.trim())
      .filter(Boolean);
    if (asked.length > MAX_PAIRS_PER_REQUEST) {
      throw unprocessable(`At most ${MAX_PAIRS_PER_REQUEST} currency pairs can be asked at once`);
    }
    let rules: RuleSet | null = null;
    let rulesError: string | null = null;
    try {
      rules = this.engine.parse(store.rules);
    } catch (error) {
      if (!(error instanceof RuleSyntaxError)) throw error;
      rulesError = `the store's rate rules are invalid (${error.message})`;
    }
    const answers = asked.map((text) => {
      const parsed = parsePair(text);
      if (!parsed) return { text, error: "invalid currency pair (write it as BASE_QUOTE, e.g. BTC_USD)" };
      const unknown = [parsed.base, parsed.quote].find((code) => !this.isKnownCurrency(code, store.rules));
      if (unknown) return { text: pairKey(parsed), error: `unknown currency ${unknown}` };
      if (rulesError) return { text: pairKey(parsed), error: rulesError };
      return { text: pairKey(parsed), pair: parsed };
    });
    const pairs = answers.flatMap((a) => ("pair" in a && a.pair ? [a.pair] : []));
    const resolutions = new Map<string, Resolution>();
    for (const resolution of await this.engine.resolve(rules, pairs, { fetchOnMiss: true })) {
      resolutions.set(resolution.pair, resolution);
    }
    return {
      rates: answers.map((answer) => {
        if ("error" in answer) return { pair: answer.text, rate: null, message: `${answer.text}: ${answer.error}` };
        const resolution = resolutions.get(answer.text)!;
        return resolution.rate
          ? { pair: answer.text, rate: showRate(resolution.rate), message: successMessage(resolution) }
          : { pair: answer.text, rate: null, message: `${answer.text}: no rate: ${whyNoRate(resolution)}` };
      }),
    };
  }

  /** `POST /stores/{id}/rates/preview`: the owner tries rules before saving them (the admin's live preview). */
  async previewStoreRates(actor: Actor, storeId: string, rules: string, currencies: string) {
    await this.deps.assertStoreOwned(actor, storeId);
    return this.storeRates(storeId, currencies, rules);
  }

  /**
   * `PATCH /stores/{id}/rate_rules`: checks the rules parse and evaluate BTC_USD without a rule error, stores
   * them, and answers Bitcart's message `BTC_USD: <rate> resolved by <trace>`. A rate that is only
   * unavailable right now does not stop the rules from being saved.
   */
  async setStoreRules(actor: Actor, storeId: string, text: string): Promise<string> {
    await this.deps.assertStoreOwned(actor, storeId);
    let rules: RuleSet | null;
    try {
      rules = this.engine.parse(text);
    } catch (error) {
      if (error instanceof RuleSyntaxError) throw unprocessable(`Invalid rate rules: ${error.message}`);
      throw error;
    }
    const [probe] = await this.engine.resolve(rules, [PROBE], { fetchOnMiss: true });
    if (probe!.error) throw unprocessable(`Invalid rate rules: ${probe!.pair}: ${probe!.error}`);
    await this.deps.saveStoreRules(actor, storeId, text);
    return probe!.rate ? successMessage(probe!) : `${probe!.pair}: no rate: ${whyNoRate(probe!)}`;
  }

  /** `GET /cryptos/rate`: one coin's price in a currency by the default rule, as a decimal string. */
  async coinRate(currency: string, fiat: string): Promise<string> {
    const coin = currency.trim().toUpperCase();
    if (!this.isCoin(coin)) throw unprocessable("Unsupported currency");
    return this.defaultRate(coin, fiat);
  }

  /** `GET /wallets/{id}/rate`: the wallet's coin priced in `currency` by the default rule. */
  async walletRate(walletId: string, currency: string): Promise<string> {
    const coin = await this.deps.walletCurrency(walletId);
    if (!coin) throw notFound("Wallet");
    return this.defaultRate(coin.toUpperCase(), currency);
  }

  /** `GET /wallets/balance`: the caller's wallets' confirmed balances in their balance currency. */
  async walletsBalance(actor: Actor): Promise<string> {
    const { currency, wallets } = await this.deps.balances(actor);
    const target = currency.trim().toUpperCase();
    if (!isCurrencyCode(target) || (!fiatCurrency(target) && !this.isCoin(target))) {
      throw unprocessable(`Unsupported balance currency: ${currency}`);
    }
    const holdings = wallets.flatMap((wallet) => {
      const amount = parseDecimal(wallet.balance);
      return amount && !amount.eq(0) ? [{ pair: { base: wallet.currency.toUpperCase(), quote: target }, amount }] : [];
    });
    const resolutions = await this.engine.resolve(null, uniquePairs(holdings.map((h) => h.pair)), {
      fetchOnMiss: true,
    });
    const rates = new Map(resolutions.map((r) => [r.pair, r]));
    let total = new Big(0);
    for (const holding of holdings) {
      const resolution = rates.get(pairKey(holding.pair))!;
      if (!resolution.rate) throw noRate(resolution);
      total = total.plus(holding.amount.times(resolution.rate));
    }
    return formatDecimal(total, currencyDivisibility(target));
  }

  /** `GET /cryptos/fiatlist`: ISO 4217 codes, sorted, filtered by prefix. */
  fiatList(query: string | undefined): string[] {
    return filterFiatCodes(query);
  }

  health(): {
    defaults: readonly string[];
    refresh_seconds: number;
    max_age_seconds: number;
    providers: EngineHealth[];
  } {
    return {
      defaults: this.engine.defaults,
      refresh_seconds: this.settings.refreshSeconds,
      max_age_seconds: this.settings.maxAgeSeconds,
      providers: this.engine.health(),
    };
  }

  private async defaultRate(base: string, quote: string): Promise<string> {
    const fiat = quote.trim().toUpperCase();
    if (!isCurrencyCode(fiat) || (!fiatCurrency(fiat) && !this.isCoin(fiat))) {
      throw unprocessable("Unsupported fiat currency");
    }
    const [resolution] = await this.engine.resolve(null, [{ base, quote: fiat }], { fetchOnMiss: true });
    if (!resolution?.rate) throw noRate(resolution!);
    return showRate(resolution.rate);
  }

  private pairOf(coin: string, fiat: string): Pair {
    const base = coin.trim().toUpperCase();
    const quote = fiat.trim().toUpperCase();
    if (!isCurrencyCode(base)) throw unprocessable(`Invalid currency: ${coin}`);
    if (!isCurrencyCode(quote)) throw unprocessable(`Invalid currency: ${fiat}`);
    return { base, quote };
  }

  private storeRules(text: string, pair: string): RuleSet | null {
    try {
      return this.engine.parse(text);
    } catch (error) {
      if (error instanceof RuleSyntaxError) {
        throw new AppError(422, `No exchange rate for ${pair}: the store's rate rules are invalid (${error.message})`);
      }
      throw error;
    }
  }

  private isCoin(code: string): boolean {
    return this.deps.coins().some((coin) => coin.toUpperCase() === code);
  }

  /**
   * A currency a public request may ask about: ISO 4217, an enabled coin, one some provider has quoted, or one
   * the store's rules name. Anything else is refused before any provider is asked.
   */
  private isKnownCurrency(code: string, rules: string): boolean {
    return (
      fiatCurrency(code) !== undefined ||
      this.isCoin(code) ||
      this.engine.knowsCurrency(code) ||
      new RegExp(`(^|[^A-Za-z0-9])${code}(_|[^A-Za-z0-9]|$)`, "i").test(rules)
    );
  }

  private async seeds(): Promise<RatesSeed[]> {
    const coins = this.deps.coins().map((c) => c.toUpperCase());
    const byRules = new Map<string, Set<string>>();
    for (const store of await this.deps.allStores()) {
      const currencies = byRules.get(store.rules) ?? new Set<string>();
      currencies.add(store.defaultCurrency.toUpperCase());
      byRules.set(store.rules, currencies);
    }
    return [...byRules].map(([rules, currencies]) => ({
      rules: rules || null,
      pairs: coins.flatMap((coin) => [...currencies].filter((c) => c !== coin).map((quote) => ({ base: coin, quote }))),
    }));
  }
}

function uniquePairs(pairs: Pair[]): Pair[] {
  return [...new Map(pairs.map((p) => [pairKey(p), p])).values()];
}
