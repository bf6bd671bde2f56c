import { parseDecimal } from "../kernel/money.ts";
import { type Pair, pairKey, parsePair } from "./pair.ts";
import { type Expr, FUNCTIONS, type FunctionName, type Rule, type RuleSet, RuleSyntaxError } from "./rule-ast.ts";
import { type Token, type TokenKind, tokenize } from "./rule-lexer.ts";

/** Bounds that keep a hostile rule text from exhausting the stack or the CPU. */
const MAX_RULES = 500;
const MAX_NESTING = 50;
const MAX_NODES_PER_RULE = 1000;
const MAX_NORMALIZE_PLACES = 30;

const isFunction = (name: string): name is FunctionName => (FUNCTIONS as readonly string[]).includes(name);

/**
 * Parses Bitcart/BTCPay rate rules: `PAIR = expr` separated by `;` or line breaks. `providers` are the provider
 * names a call may use; any other name is an error, as are a pair defined twice and anything the language does
 * not have. Errors carry the line and column.
 */
export function parseRules(text: string, providers: ReadonlySet<string>): RuleSet {
  const tokens = tokenize(text);
  let index = 0;
  const peek = (): Token => tokens[index]!;
  const next = (): Token => tokens[index++]!;
  const fail = (reason: string, token: Token = peek()): never => {
    throw new RuleSyntaxError(reason, token.at);
  };
  const describe = (token: Token) =>
    token.kind === "end" ? "the end of the rules" : `"${token.text.trim() || "line break"}"`;
  const expect = (kind: TokenKind, what: string): Token => {
    const token = peek();
    if (token.kind !== kind) fail(`expected ${what}, found ${describe(token)}`);
    return next();
  };
  let nodes = 0;
  const node = <T extends Expr>(expr: T): T => {
    if (++nodes > MAX_NODES_PER_RULE) fail(`rule too long (at most ${MAX_NODES_PER_RULE} terms)`);
    return expr;
  };
  const skipNewlines = () => {
    while (peek().kind === "newline") index++;
  };

  const pairOf = (token: Token): Pair => {
    const pair = parsePair(token.text);
    if (!pair) fail(`"${token.text}" is not a currency pair (write it as BASE_QUOTE, e.g. BTC_USD)`, token);
    return pair!;
  };

  const parseExpression = (depth: number): Expr => {
    if (depth > MAX_NESTING) fail("expression nested too deeply");
    let left = parseTerm(depth);
    while (peek().kind === "+" || peek().kind === "-") {
      const operator = next();
      skipNewlines();
      const right = parseTerm(depth);
      left = node({ kind: "binary", operator: operator.kind as "+" | "-", left, right, at: operator.at });
    }
    return left;
  };

  const parseTerm = (depth: number): Expr => {
    let left = parseUnary(depth);
    while (peek().kind === "*" || peek().kind === "/") {
      const operator = next();
      skipNewlines();
      const right = parseUnary(depth);
      left = node({ kind: "binary", operator: operator.kind as "*" | "/", left, right, at: operator.at });
    }
    return left;
  };

  const parseUnary = (depth: number): Expr => {
    const token = peek();
    if (token.kind === "-" || token.kind === "+") {
      if (depth > MAX_NESTING) fail("expression nested too deeply");
      next();
      return node({ kind: "unary", operator: token.kind, operand: parseUnary(depth + 1), at: token.at });
    }
    return parsePrimary(depth);
  };

  const parsePrimary = (depth: number): Expr => {
    skipNewlines();
    const token = next();
    switch (token.kind) {
      case "number": {
        const value = parseDecimal(token.text);
        if (!value) return fail(`"${token.text}" is not a number`, token);
        return node({ kind: "number", value, text: token.text, at: token.at });
      }
      case "(": {
        skipNewlines();
        const inner = parseExpression(depth + 1);
        if (peek().kind === ",") fail("bid/ask tuples like (a, b) are not supported; use one number");
        expect(")", '")"');
        return inner;
      }
      case "name": {
        if (peek().kind === "(") return parseCall(token, depth);
        if (token.text.includes("_")) return node({ kind: "pair", pair: pairOf(token), at: token.at });
        return fail(
          `unknown name "${token.text}": expected a currency pair (BTC_USD), a number, or a call such as kraken(BTC_USD)`,
          token,
        );
      }
      default:
        return fail(`expected a number, a currency pair or a provider call, found ${describe(token)}`, token);
    }
  };

  const parseCall = (nameToken: Token, depth: number): Expr => {
    const name = nameToken.text.toLowerCase();
    next(); // "("
    if (isFunction(name)) {
      const args: Expr[] = [];
      skipNewlines();
      if (peek().kind === ")") fail(`${name}() needs at least one value`);
      while (true) {
        args.push(parseExpression(depth + 1));
        if (peek().kind === ",") {
          next();
          continue;
        }
        expect(")", `"," or ")" in ${name}(…)`);
        break;
      }
      if (name === "normalize") {
        const places = args[1];
        if (
          args.length !== 2 ||
          places?.kind !== "number" ||
          !places.value.eq(places.value.round(0)) ||
          places.value.lt(0) ||
          places.value.gt(MAX_NORMALIZE_PLACES)
        ) {
          fail(
            `normalize(value, places) takes a value and a whole number of decimal places from 0 to ${MAX_NORMALIZE_PLACES}`,
            nameToken,
          );
        }
      }
      return node({ kind: "function", name, args, at: nameToken.at });
    }
    if (!providers.has(name)) {
      fail(`unknown rate provider "${nameToken.text}" (available: ${[...providers].sort().join(", ")})`, nameToken);
    }
    const argument = peek();
    if (argument.kind !== "name" || !argument.text.includes("_")) {
      fail(`a provider call takes one currency pair, e.g. ${name}(BTC_USD)`, argument);
    }
    next();
    if (peek().kind === "(") fail("calls cannot be nested: a provider takes a currency pair", argument);
    const pair = pairOf(argument);
    expect(")", `")" after ${name}(${argument.text}`);
    return node({ kind: "call", provider: name, pair, at: nameToken.at });
  };

  const rules: Rule[] = [];
  const byPair = new Map<string, Rule>();
  while (true) {
    while (peek().kind === "newline" || peek().kind === ";") index++;
    if (peek().kind === "end") break;
    const target = peek();
    if (target.kind !== "name" || !target.text.includes("_")) {
      fail(`expected a rule such as BTC_USD = kraken(BTC_USD), found ${describe(target)}`, target);
    }
    next();
    const pair = pairOf(target);
    nodes = 0;
    expect("=", `"=" after ${target.text}`);
    skipNewlines();
    const expr = parseExpression(0);
    const end = peek();
    if (end.kind !== ";" && end.kind !== "newline" && end.kind !== "end") {
      fail(`expected the end of the rule for ${pairKey(pair)}, found ${describe(end)}`, end);
    }
    const key = pairKey(pair);
    const previous = byPair.get(key);
    if (previous) fail(`${key} is already defined on line ${previous.at.line}`, target);
    if (rules.length >= MAX_RULES) fail(`too many rules (at most ${MAX_RULES})`, target);
    const rule: Rule = { pair, expr, at: target.at, index: rules.length };
    rules.push(rule);
    byPair.set(key, rule);
  }
  return { rules, byPair };
}
