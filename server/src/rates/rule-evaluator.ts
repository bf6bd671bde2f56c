import { Big, normalizeDecimal } from "../kernel/money.ts";
import { bindWildcards, inverse, type Pair, pairKey, WILDCARD } from "./pair.ts";
import type { BinaryOperator, Expr, Rule, RuleSet } from "./rule-ast.ts";

/** How deep rules may refer to other pairs (Bitcart's and BTCPay's limit). */
export const MAX_RULE_DEPTH = 8;

/** Pair and provider look-ups one evaluation may make; past this the rules are too complex to evaluate. */
const MAX_STEPS = 20_000;

/** Decimals shown for rates in traces and answers (the rate itself keeps full precision). */
export const SHOWN_RATE_PLACES = 20;

export const showRate = (value: Big): string => normalizeDecimal(value.round(SHOWN_RATE_PLACES, Big.roundHalfEven));

/** What a provider has for a pair right now. */
export type LookupResult =
  | { ok: true; rate: Big; fetchedAt: number; inverted: boolean }
  | { ok: false; reason: string };

/** Reads a provider's current rate for a pair from the cache (it never waits on the network). */
export type RateLookup = (provider: string, pair: Pair) => LookupResult;

export interface SourceRate {
  provider: string;
  pair: string;
  rate: string;
  /** The provider had the inverse pair; the rate is 1 / its answer. */
  inverted: boolean;
  fetched_at: string;
}

export interface MissingRate {
  provider: string;
  pair: string;
  reason: string;
}

/** A rule that cannot be evaluated whatever the rates (recursion, division by zero, non-positive result). */
export class RuleEvaluationError extends Error {
  override name = "RuleEvaluationError";
}

export interface Resolution {
  pair: string;
  /** The rate, or null when a rate it needs is unavailable (see `missing`) or the rules fail (`error`). */
  rate: Big | null;
  /** The rule that matched: its pair (`X_X`, `BTC_USD`), `default`, or `same currency`. */
  rule: string;
  /** The expression with every pair reference replaced by the rule behind it: `bittrex(DOGE_BTC) * kraken(BTC_USD)`. */
  expression: string;
  /** The same with each provider call replaced by its rate: `0.000002 * 50000`. */
  evaluated: string;
  sources: SourceRate[];
  missing: MissingRate[];
  error: string | null;
}

interface Node {
  value: Big | null;
  expression: string;
  evaluated: string;
  /** Binding strength, for parentheses: 3 atoms and calls, 2 unary, 1 products, 0 sums. */
  strength: number;
}

const STRENGTH: Record<BinaryOperator, number> = { "+": 0, "-": 0, "*": 1, "/": 1 };

function wrap(node: Node, parentStrength: number, right: boolean, operator?: BinaryOperator) {
  const tight =
    right && (operator === "-" || operator === "/") ? node.strength <= parentStrength : node.strength < parentStrength;
  return tight
    ? { expression: `(${node.expression})`, evaluated: `(${node.evaluated})` }
    : { expression: node.expression, evaluated: node.evaluated };
}

function median(values: Big[]): Big {
  const sorted = [...values].sort((a, b) => a.cmp(b));
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : sorted[middle - 1]!.plus(sorted[middle]!).div(2);
}

/**
 * The best rule for a pair, as BTCPay and Bitcart choose it: the exact pair, then its inverse, then
 * `BASE_X`/`X_QUOTE`, then the inverse's wildcards, then `X_X`; between equally specific rules the earlier
 * one wins. `inverted` means the rule defines the inverse pair, whose rate is then 1 / it.
 */
export function bestRule(rules: RuleSet, target: Pair): { rule: Rule; inverted: boolean } | null {
  const flipped = inverse(target);
  const tiers: [Pair, boolean][][] = [
    [[target, false]],
    [[flipped, true]],
    [
      [{ base: target.base, quote: WILDCARD }, false],
      [{ base: WILDCARD, quote: target.quote }, false],
    ],
    [
      [{ base: flipped.base, quote: WILDCARD }, true],
      [{ base: WILDCARD, quote: flipped.quote }, true],
    ],
    [[{ base: WILDCARD, quote: WILDCARD }, false]],
  ];
  for (const tier of tiers) {
    let best: { rule: Rule; inverted: boolean } | null = null;
    for (const [candidate, inverted] of tier) {
      const rule = rules.byPair.get(pairKey(candidate));
      if (rule && (!best || rule.index < best.rule.index)) best = { rule, inverted };
    }
    if (best) return best;
  }
  return null;
}

export interface EvaluationContext {
  /** The store's rules; null or empty: every pair takes the default rule. */
  rules: RuleSet | null;
  /** Providers whose median is the default rule (for a pair: those that can quote it). */
  defaults: readonly string[] | ((pair: Pair) => readonly string[]);
  lookup: RateLookup;
}

/**
 * Resolves a pair through the rules. A pair no rule matches takes the default rule: the median of the default
 * providers that have a fresh rate. Unavailable rates make the result null (never a guess); `mean` and
 * `median` use the arguments that are available. Rule errors (recursion beyond 8 levels, division by zero,
 * a result that is not a positive number) are reported in `error`.
 */
export function resolvePair(context: EvaluationContext, target: Pair): Resolution {
  const sources = new Map<string, SourceRate>();
  const missing = new Map<string, MissingRate>();
  let steps = 0;
  let topRule = "default";

  const step = () => {
    if (++steps > MAX_STEPS) throw new RuleEvaluationError("the rules are too complex to evaluate");
  };

  const call = (provider: string, pair: Pair): Node => {
    step();
    const label = `${provider}(${pairKey(pair)})`;
    if (pair.base === pair.quote) return { value: new Big(1), expression: label, evaluated: "1", strength: 3 };
    const found = context.lookup(provider, pair);
    if (!found.ok) {
      missing.set(label, { provider, pair: pairKey(pair), reason: found.reason });
      return { value: null, expression: label, evaluated: "unavailable", strength: 3 };
    }
    sources.set(label, {
      provider,
      pair: pairKey(pair),
      rate: showRate(found.rate),
      inverted: found.inverted,
      fetched_at: new Date(found.fetchedAt).toISOString(),
    });
    return { value: found.rate, expression: label, evaluated: showRate(found.rate), strength: 3 };
  };

  const defaultRule = (pair: Pair): Node => {
    const providers = typeof context.defaults === "function" ? context.defaults(pair) : context.defaults;
    const answers = providers.map((provider) => call(provider, pair));
    if (answers.length === 0) {
      missing.set(`default(${pairKey(pair)})`, {
        provider: "default",
        pair: pairKey(pair),
        reason: "no default provider quotes this pair",
      });
      return { value: null, expression: `default(${pairKey(pair)})`, evaluated: "unavailable", strength: 3 };
    }
    if (answers.length === 1) return answers[0]!;
    const available = answers.flatMap((a) => (a.value ? [a.value] : []));
    return {
      value: available.length ? median(available) : null,
      expression: `median(${answers.map((a) => a.expression).join(", ")})`,
      evaluated: `median(${answers.map((a) => a.evaluated).join(", ")})`,
      strength: 3,
    };
  };

  const resolve = (pair: Pair, depth: number, path: readonly string[]): Node => {
    step();
    const key = pairKey(pair);
    if (pair.base === pair.quote) return { value: new Big(1), expression: "1", evaluated: "1", strength: 3 };
    if (depth > MAX_RULE_DEPTH) {
      throw new RuleEvaluationError(
        `the rules refer to other pairs more than ${MAX_RULE_DEPTH} levels deep: ${[...path, key].join(" → ")}`,
      );
    }
    const found = context.rules ? bestRule(context.rules, pair) : null;
    if (depth === 0) topRule = found ? pairKey(found.rule.pair) : "default";
    if (!found) return defaultRule(pair);
    if (found.inverted) {
      const flipped = resolve(inverse(pair), depth + 1, [...path, key]);
      const divisor = wrap(flipped, 1, true, "/");
      if (flipped.value?.eq(0)) throw new RuleEvaluationError(`division by zero: 1 / ${flipped.expression}`);
      return {
        value: flipped.value ? new Big(1).div(flipped.value) : null,
        expression: `1 / ${divisor.expression}`,
        evaluated: `1 / ${divisor.evaluated}`,
        strength: 1,
      };
    }
    return evaluate(found.rule.expr, pair, depth, [...path, key]);
  };

  const evaluate = (expr: Expr, pair: Pair, depth: number, path: readonly string[]): Node => {
    step();
    switch (expr.kind) {
      case "number":
        return { value: expr.value, expression: expr.text, evaluated: expr.text, strength: 3 };
      case "call":
        return call(expr.provider, bindWildcards(expr.pair, pair));
      case "pair":
        return resolve(bindWildcards(expr.pair, pair), depth + 1, path);
      case "unary": {
        const operand = evaluate(expr.operand, pair, depth, path);
        const inner =
          operand.strength < 2
            ? { e: `(${operand.expression})`, v: `(${operand.evaluated})` }
            : { e: operand.expression, v: operand.evaluated };
        return {
          value: operand.value && (expr.operator === "-" ? operand.value.neg() : operand.value),
          expression: `${expr.operator}${inner.e}`,
          evaluated: `${expr.operator}${inner.v}`,
          strength: 2,
        };
      }
      case "binary": {
        const left = evaluate(expr.left, pair, depth, path);
        const right = evaluate(expr.right, pair, depth, path);
        const strength = STRENGTH[expr.operator];
        const l = wrap(left, strength, false);
        const r = wrap(right, strength, true, expr.operator);
        let value: Big | null = null;
        if (left.value && right.value) {
          switch (expr.operator) {
            case "+":
              value = left.value.plus(right.value);
              break;
            case "-":
              value = left.value.minus(right.value);
              break;
            case "*":
              value = left.value.times(right.value);
              break;
            case "/":
              if (right.value.eq(0)) {
                throw new RuleEvaluationError(`division by zero: ${l.expression} / ${r.expression}`);
              }
              value = left.value.div(right.value);
              break;
          }
        }
        return {
          value,
          expression: `${l.expression} ${expr.operator} ${r.expression}`,
          evaluated: `${l.evaluated} ${expr.operator} ${r.evaluated}`,
          strength,
        };
      }
      case "function": {
        if (expr.name === "normalize") {
          const inner = evaluate(expr.args[0]!, pair, depth, path);
          const places = (expr.args[1] as { value: Big }).value.toNumber();
          return {
            value: inner.value ? inner.value.round(places, Big.roundHalfEven) : null,
            expression: `normalize(${inner.expression}, ${places})`,
            evaluated: `normalize(${inner.evaluated}, ${places})`,
            strength: 3,
          };
        }
        const args = expr.args.map((arg) => evaluate(arg, pair, depth, path));
        const available = args.flatMap((a) => (a.value ? [a.value] : []));
        let value: Big | null = null;
        if (available.length) {
          value =
            expr.name === "median"
              ? median(available)
              : available.reduce((sum, v) => sum.plus(v), new Big(0)).div(available.length);
        }
        return {
          value,
          expression: `${expr.name}(${args.map((a) => a.expression).join(", ")})`,
          evaluated: `${expr.name}(${args.map((a) => a.evaluated).join(", ")})`,
          strength: 3,
        };
      }
    }
  };

  const key = pairKey(target);
  const base: Omit<Resolution, "rate" | "expression" | "evaluated" | "error"> = {
    pair: key,
    rule: topRule,
    sources: [],
    missing: [],
  };
  if (target.base === target.quote) {
    return { ...base, rule: "same currency", rate: new Big(1), expression: "1", evaluated: "1", error: null };
  }
  try {
    const node = resolve(target, 0, []);
    const result = { ...base, rule: topRule, sources: [...sources.values()], missing: [...missing.values()] };
    if (node.value && !node.value.gt(0)) {
      return {
        ...result,
        rate: null,
        expression: node.expression,
        evaluated: node.evaluated,
        error: `the rules give ${key} = ${showRate(node.value)}, which is not a positive rate`,
      };
    }
    return { ...result, rate: node.value, expression: node.expression, evaluated: node.evaluated, error: null };
  } catch (error) {
    if (!(error instanceof RuleEvaluationError)) throw error;
    return {
      ...base,
      rule: topRule,
      sources: [...sources.values()],
      missing: [...missing.values()],
      rate: null,
      expression: "",
      evaluated: "",
      error: error.message,
    };
  }
}

/** BTCPay-style trace: `kraken(BTC_USD) = 50000`, `bittrex(DOGE_BTC) * kraken(BTC_USD) = 0.000002 * 50000`. */
export function traceText(resolution: Resolution): string {
  if (resolution.error) return resolution.error;
  if (resolution.expression !== resolution.evaluated) return `${resolution.expression} = ${resolution.evaluated}`;
  // A constant (a pinned price): name the rule that pins it.
  return resolution.rule === "same currency" || resolution.rule === "default"
    ? resolution.expression
    : `${resolution.rule} = ${resolution.expression}`;
}
