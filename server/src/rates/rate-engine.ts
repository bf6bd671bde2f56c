import { Big } from "../kernel/money.ts";
import { type Pair, pairKey } from "./pair.ts";
import { isLocalProvider, type RateProvider } from "./provider.ts";
import { type ProviderHealth, RateCache } from "./rate-cache.ts";
import type { RuleSet } from "./rule-ast.ts";
import { type LookupResult, type Resolution, resolvePair } from "./rule-evaluator.ts";
import { parseRules } from "./rule-parser.ts";

export interface RateEngineOptions {
  providers: readonly RateProvider[];
  /** Providers whose median is the default rule. */
  defaults: readonly string[];
  /** How often rates in use are fetched in the background. */
  refreshMs: number;
  /** A rate older than this is never answered. */
  maxAgeMs: number;
  /** Timeout of a background fetch. */
  fetchTimeoutMs: number;
  /** The longest a request waits for a fetch on a cache miss. */
  requestTimeoutMs: number;
  now?: () => number;
  /** Told about every fetch; errors are for the operator's log. */
  onFetch?: (event: { provider: string; ms: number; rates?: number; error?: string }) => void;
}

/** Rules and pairs whose rates the background refresher keeps fresh (each store's coins × default currency). */
export interface RatesSeed {
  rules: string | null;
  pairs: Pair[];
}

export interface EngineHealth extends ProviderHealth {
  /** Part of the default rule. */
  default: boolean;
  /** Rates from configuration, never fetched. */
  local: boolean;
}

/** A pair nobody has asked about for this long is no longer refreshed. */
const DEMAND_TTL_MS = 24 * 60 * 60_000;
/** At most this many pairs per provider are kept fresh; the least recently asked are dropped first. */
const MAX_DEMAND = 2000;
/** After a failure, requests leave a provider alone this long, or one refresh interval if shorter (the background refresh still tries it). */
const FAILURE_BACKOFF_MS = 30_000;
const PARSED_RULES_CACHE = 200;

function describeError(error: unknown, timeoutMs: number): string {
  if (error instanceof Error) {
    if (error.name === "TimeoutError") return `timed out after ${timeoutMs} ms`;
    if (error.name === "AbortError") return "aborted";
    const cause = (error as Error & { cause?: { code?: string; message?: string } }).cause;
    const detail = cause?.code ?? cause?.message;
    return detail ? `${error.message} (${detail})` : error.message;
  }
  return String(error);
}

/**
 * Rates for rules: a cache filled by background fetches of the pairs in use, read by every request.
 * A request never waits on a provider except for one bounded fetch on a cache miss, and a provider that just
 * failed is not asked again by requests; whatever is missing is reported, never guessed.
 */
export class RateEngine {
  readonly cache: RateCache;
  private readonly providers = new Map<string, RateProvider>();
  private readonly demand = new Map<string, Map<string, { pair: Pair; at: number }>>();
  private readonly attempted = new Map<string, Map<string, number>>();
  private readonly inflight = new Map<string, Promise<void>>();
  private readonly parsed = new Map<string, RuleSet | Error>();
  private readonly stopper = new AbortController();
  private timer: NodeJS.Timeout | null = null;
  private refreshing: Promise<void> | null = null;
  private readonly now: () => number;

  constructor(private readonly options: RateEngineOptions) {
    for (const provider of options.providers) this.providers.set(provider.name, provider);
    for (const name of options.defaults) {
      if (!this.providers.has(name)) throw new Error(`default rate provider ${name} is not configured`);
    }
    this.cache = new RateCache(options.maxAgeMs);
    this.now = options.now ?? Date.now;
  }

  get providerNames(): ReadonlySet<string> {
    return new Set(this.providers.keys());
  }

  get defaults(): readonly string[] {
    return this.options.defaults;
  }

  /** Parses rule text (cached by text). Throws RuleSyntaxError. Blank text means no rules. */
  parse(text: string | null | undefined): RuleSet | null {
    if (!text?.trim()) return null;
    let result = this.parsed.get(text);
    if (!result) {
      try {
        result = parseRules(text, this.providerNames);
      } catch (error) {
        if (!(error instanceof Error)) throw error;
        result = error;
      }
      if (this.parsed.size >= PARSED_RULES_CACHE) this.parsed.delete(this.parsed.keys().next().value!);
      this.parsed.set(text, result);
    }
    if (result instanceof Error) throw result;
    return result;
  }

  /** The default providers that can quote a pair: the default rule's median is taken over these. */
  private readonly defaultsFor = (pair: Pair): readonly string[] =>
    this.options.defaults.filter((name) => this.providers.get(name)?.supports?.(pair) ?? true);

  /** A provider's current rate: from the cache, or from configuration for local providers. Records the demand. */
  lookup(provider: string, pair: Pair): LookupResult {
    const source = this.providers.get(provider);
    const now = this.now();
    if (source && isLocalProvider(source)) {
      const rates = source.current();
      const direct = rates.get(pairKey(pair));
      if (direct) return { ok: true, rate: direct, fetchedAt: now, inverted: false };
      const flipped = rates.get(`${pair.quote}_${pair.base}`);
      if (flipped) return { ok: true, rate: new Big(1).div(flipped), fetchedAt: now, inverted: true };
      return { ok: false, reason: "not configured in TILL_FIXED_RATES" };
    }
    this.want(provider, pair, now);
    return this.cache.lookup(provider, pair, now);
  }

  /**
   * Resolves pairs through the rules from the cache. With `fetchOnMiss`, rates that are missing are fetched
   * once, within the request timeout, and the pairs resolved again; what is still missing stays missing.
   */
  async resolve(
    rules: RuleSet | null,
    pairs: readonly Pair[],
    options: { fetchOnMiss: boolean },
  ): Promise<Resolution[]> {
    const misses = new Map<string, Map<string, Pair>>();
    const recordingLookup = (provider: string, pair: Pair): LookupResult => {
      const found = this.lookup(provider, pair);
      if (!found.ok && !isLocalProvider(this.providers.get(provider)!)) {
        const wanted = misses.get(provider) ?? new Map<string, Pair>();
        wanted.set(pairKey(pair), pair);
        misses.set(provider, wanted);
      }
      return found;
    };
    const context = { rules, defaults: this.defaultsFor, lookup: recordingLookup };
    const first = pairs.map((pair) => resolvePair(context, pair));
    if (!options.fetchOnMiss || misses.size === 0) return first;

    // Every provider a rule wanted but the cache lacks is fetched (once per refresh interval per pair), so a
    // median is never taken over whichever providers happened to be cached. A fetch already under way is
    // waited for only when a pair would otherwise have no rate at all.
    const lacking = first.some((r) => r.rate === null && !r.error);
    const now = this.now();
    const waits: Promise<void>[] = [];
    for (const [provider, wanted] of misses) {
      const running = this.inflight.get(provider);
      if (running) {
        if (lacking) waits.push(running);
        continue;
      }
      const due = [...wanted.values()].filter((pair) => this.worthFetching(provider, pair, now));
      // The request waits at most the request timeout; the fetch itself may run to the normal timeout and
      // fill the cache for the requests after this one.
      if (due.length) waits.push(this.fetch(provider, due, this.options.fetchTimeoutMs));
    }
    if (!waits.length) return first;
    await withDeadline(Promise.allSettled(waits), this.options.requestTimeoutMs);
    const context2 = { rules, defaults: this.defaultsFor, lookup: (p: string, pair: Pair) => this.lookup(p, pair) };
    return pairs.map((pair) => resolvePair(context2, pair));
  }

  /** Fetches every pair in use from every provider that has some; failures are recorded, never thrown. */
  async refresh(seeds: readonly RatesSeed[] = []): Promise<void> {
    for (const seed of seeds) {
      let rules: RuleSet | null = null;
      try {
        rules = this.parse(seed.rules);
      } catch {
        // A store with broken rules: its pairs still take the default rule here, which keeps those rates warm.
      }
      const context = { rules, defaults: this.defaultsFor, lookup: (p: string, pair: Pair) => this.lookup(p, pair) };
      for (const pair of seed.pairs) resolvePair(context, pair);
    }
    const now = this.now();
    const fetches: Promise<void>[] = [];
    for (const [provider, wanted] of this.demand) {
      for (const [key, entry] of wanted) if (now - entry.at > DEMAND_TTL_MS) wanted.delete(key);
      if (wanted.size)
        fetches.push(
          this.fetch(
            provider,
            [...wanted.values()].map((e) => e.pair),
            this.options.fetchTimeoutMs,
          ),
        );
    }
    await Promise.allSettled(fetches);
  }

  /** Refreshes now and then every `refreshMs` until `stop`. */
  start(seeds: () => Promise<RatesSeed[]>): void {
    if (this.timer || this.stopper.signal.aborted) return;
    const tick = () => {
      if (this.refreshing) return;
      this.refreshing = seeds()
        .catch(() => [] as RatesSeed[])
        .then((list) => this.refresh(list))
        .finally(() => {
          this.refreshing = null;
        });
    };
    this.timer = setInterval(tick, this.options.refreshMs);
    this.timer.unref();
    tick();
  }

  /** Stops the refresher and aborts fetches under way. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.stopper.abort();
    await this.refreshing;
    await Promise.allSettled([...this.inflight.values()]);
  }

  health(): EngineHealth[] {
    return [...this.providers.values()].map((provider) => ({
      ...this.cache.health(provider.name),
      ...(isLocalProvider(provider) ? { rates: provider.current().size } : {}),
      default: this.options.defaults.includes(provider.name),
      local: isLocalProvider(provider),
    }));
  }

  /** Whether any provider (or the configuration) has a rate involving this currency. */
  knowsCurrency(code: string): boolean {
    if (this.cache.hasCurrency(code)) return true;
    for (const provider of this.providers.values()) {
      if (isLocalProvider(provider)) {
        for (const key of provider.current().keys()) if (key.split("_").includes(code)) return true;
      }
    }
    return false;
  }

  private want(provider: string, pair: Pair, now: number): void {
    let wanted = this.demand.get(provider);
    if (!wanted) {
      wanted = new Map();
      this.demand.set(provider, wanted);
    }
    const key = pairKey(pair);
    wanted.delete(key);
    wanted.set(key, { pair, at: now });
    if (wanted.size > MAX_DEMAND) wanted.delete(wanted.keys().next().value!);
  }

  /** A request fetches a pair only if the provider is not failing and the pair was not just asked for. */
  private worthFetching(provider: string, pair: Pair, now: number): boolean {
    const failing = this.cache.failingSince(provider);
    if (failing !== null && now - failing < Math.min(this.options.refreshMs, FAILURE_BACKOFF_MS)) return false;
    const last = this.attempted.get(provider)?.get(pairKey(pair));
    return last === undefined || now - last >= Math.min(this.options.refreshMs, FAILURE_BACKOFF_MS);
  }

  private fetch(name: string, pairs: readonly Pair[], timeoutMs: number): Promise<void> {
    const running = this.inflight.get(name);
    if (running) return running;
    const provider = this.providers.get(name);
    if (!provider || isLocalProvider(provider)) return Promise.resolve();
    const started = this.now();
    let tried = this.attempted.get(name);
    if (!tried) {
      tried = new Map();
      this.attempted.set(name, tried);
    }
    for (const pair of pairs) tried.set(pairKey(pair), started);
    if (tried.size > MAX_DEMAND * 2) {
      for (const [key, at] of tried) if (started - at > this.options.refreshMs) tried.delete(key);
    }
    // An own timer rather than AbortSignal.any([…, AbortSignal.timeout()]): on Node 20 such a combined signal
    // can be garbage-collected before it fires, and a hanging provider would then never time out.
    const controller = new AbortController();
    const timer = setTimeout(
      () => controller.abort(new DOMException(`timed out after ${timeoutMs} ms`, "TimeoutError")),
      timeoutMs,
    );
    const onStop = () => controller.abort(this.stopper.signal.reason);
    if (this.stopper.signal.aborted) onStop();
    else this.stopper.signal.addEventListener("abort", onStop, { once: true });
    const signal = controller.signal;
    const run = (async () => {
      try {
        const rates = await provider.fetch(pairs, signal);
        this.cache.store(name, rates, this.now());
        this.options.onFetch?.({ provider: name, ms: this.now() - started, rates: rates.size });
      } catch (error) {
        const message = describeError(error, timeoutMs);
        this.cache.failed(name, message, this.now());
        this.options.onFetch?.({ provider: name, ms: this.now() - started, error: message });
      } finally {
        clearTimeout(timer);
        this.stopper.signal.removeEventListener("abort", onStop);
        this.inflight.delete(name);
      }
    })();
    this.inflight.set(name, run);
    return run;
  }
}

async function withDeadline(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([promise, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  } finally {
    clearTimeout(timer);
  }
}
