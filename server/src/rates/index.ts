/** Exchange rates: providers, the rule language, the cache and refresher, fiat currencies and formatting. */
export {
  COIN_DIVISIBILITY,
  type FiatCurrency,
  fiatCodes,
  fiatCurrency,
  filterFiatCodes,
  isFiat,
} from "./currencies.ts";
export { currencyDivisibility, formatFiat, groupDigits, roundHalfEven, roundToCurrency } from "./format.ts";
export { inverse, isCurrencyCode, type Pair, pair, pairKey, parsePair } from "./pair.ts";
export type { LocalRateProvider, ProviderRates, RateProvider } from "./provider.ts";
export { createProviders, type ProviderSettings } from "./providers/index.ts";
export type { ProviderHealth } from "./rate-cache.ts";
export { type EngineHealth, RateEngine, type RateEngineOptions, type RatesSeed } from "./rate-engine.ts";
export { type RuleSet, RuleSyntaxError } from "./rule-ast.ts";
export {
  MAX_RULE_DEPTH,
  type MissingRate,
  type Resolution,
  type SourceRate,
  showRate,
  traceText,
} from "./rule-evaluator.ts";
export { parseRules } from "./rule-parser.ts";
