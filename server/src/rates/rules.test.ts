import { describe, expect, it } from "vitest";
import { Big } from "../kernel/money.ts";
import { parsePair } from "./pair.ts";
import { RuleSyntaxError } from "./rule-ast.ts";
import { type LookupResult, MAX_RULE_DEPTH, resolvePair, traceText } from "./rule-evaluator.ts";
import { parseRules } from "./rule-parser.ts";

const PROVIDERS = new Set(["kraken", "coinbase", "bitfinex", "coingecko", "ndax", "bittrex", "fiat"]);

/** Provider rates for the tests: provider → pair → rate. */
const MARKET: Record<string, Record<string, string>> = {
  kraken: { BTC_USD: "50000", LTC_USD: "80", BTC_EUR: "46000", ETH_USD: "3000" },
  coinbase: { BTC_USD: "50100", LTC_USD: "81" },
  bitfinex: { BTC_USD: "49900" },
  ndax: { BTC_CAD: "68000" },
  bittrex: { DOGE_BTC: "0.000002" },
  fiat: { USD_EUR: "0.9" },
};

function lookupIn(market: Record<string, Record<string, string>>) {
  return (provider: string, pair: { base: string; quote: string }): LookupResult => {
    const rate = market[provider]?.[`${pair.base}_${pair.quote}`];
    return rate
      ? { ok: true, rate: new Big(rate), fetchedAt: 0, inverted: false }
      : { ok: false, reason: "not offered by this provider" };
  };
}

function rate(rules: string, pair: string, options: { defaults?: string[]; market?: typeof MARKET } = {}) {
  const resolution = resolvePair(
    {
      rules: rules ? parseRules(rules, PROVIDERS) : null,
      defaults: options.defaults ?? ["kraken", "coinbase", "bitfinex"],
      lookup: lookupIn(options.market ?? MARKET),
    },
    parsePair(pair)!,
  );
  return { ...resolution, value: resolution.rate?.toFixed() ?? null, trace: traceText(resolution) };
}

function syntaxError(rules: string): RuleSyntaxError {
  try {
    parseRules(rules, PROVIDERS);
  } catch (error) {
    expect(error).toBeInstanceOf(RuleSyntaxError);
    return error as RuleSyntaxError;
  }
  throw new Error(`parsed: ${rules}`);
}

describe("rate rules: BTCPay's documented examples", () => {
  it("explicit pairs use the named exchange", () => {
    const rules = "LTC_USD = kraken(LTC_USD);\nBTC_USD = kraken(BTC_USD);";
    expect(rate(rules, "BTC_USD")).toMatchObject({ value: "50000", rule: "BTC_USD", trace: "kraken(BTC_USD) = 50000" });
    expect(rate(rules, "LTC_USD").value).toBe("80");
  });

  it("X_X matches any pair and binds both sides", () => {
    expect(rate("X_X = kraken(X_X);", "BTC_EUR")).toMatchObject({ value: "46000", rule: "X_X" });
    expect(rate("X_X = kraken(X_X);", "ETH_USD").trace).toBe("kraken(ETH_USD) = 3000");
  });

  it("the most specific rule wins: X_CAD over X_X", () => {
    const rules = "X_CAD = ndax(X_CAD);\nX_X = kraken(X_X);";
    expect(rate(rules, "BTC_CAD")).toMatchObject({ value: "68000", trace: "ndax(BTC_CAD) = 68000" });
    expect(rate(rules, "BTC_USD")).toMatchObject({ value: "50000", trace: "kraken(BTC_USD) = 50000" });
  });

  it("rules refer to other pairs: DOGE_X = bittrex(DOGE_BTC) * BTC_X", () => {
    const rules = "DOGE_X = bittrex(DOGE_BTC) * BTC_X\nX_CAD = ndax(X_CAD);\nX_X = kraken(X_X);";
    expect(rate(rules, "DOGE_USD")).toMatchObject({
      value: "0.1",
      expression: "bittrex(DOGE_BTC) * kraken(BTC_USD)",
      evaluated: "0.000002 * 50000",
    });
    expect(rate(rules, "DOGE_CAD")).toMatchObject({
      value: "0.136",
      expression: "bittrex(DOGE_BTC) * ndax(BTC_CAD)",
    });
  });

  it("the advised form also covers DOGE_BTC", () => {
    const rules = "DOGE_X = DOGE_BTC * BTC_X\nDOGE_BTC = bittrex(DOGE_BTC)\nX_CAD = ndax(X_CAD);\nX_X = kraken(X_X);";
    expect(rate(rules, "DOGE_BTC").value).toBe("0.000002");
    // DOGE_BTC is itself a DOGE_X pair; BTC_BTC is 1.
    expect(rate(rules, "DOGE_USD")).toMatchObject({ value: "0.1", expression: "bittrex(DOGE_BTC) * kraken(BTC_USD)" });
  });

  it("inverses are implicit: USD_DOGE = 1 / DOGE_USD", () => {
    const rules = "DOGE_X = bittrex(DOGE_BTC) * BTC_X\nX_X = kraken(X_X);";
    // X_X would match USD_DOGE too, but the inverse of DOGE_X is more specific (BTCPay's priority order).
    const result = rate(rules, "USD_DOGE");
    expect(result.value).toBe("10");
    expect(result.expression).toBe("1 / (bittrex(DOGE_BTC) * kraken(BTC_USD))");
  });
});

describe("rate rules: matching order", () => {
  it("exact beats its inverse; each pair uses its own", () => {
    const rules = "BTC_USD = 50000; USD_BTC = 0.00001";
    expect(rate(rules, "BTC_USD").value).toBe("50000");
    expect(rate(rules, "USD_BTC").value).toBe("0.00001");
  });

  it("an exact inverse beats the wildcards", () => {
    const result = rate("X_X = kraken(X_X); USD_BTC = 0.00002", "BTC_USD");
    expect(result).toMatchObject({ value: "50000", rule: "USD_BTC", expression: "1 / 0.00002" });
  });

  it("between equally specific rules the first one wins", () => {
    expect(rate("X_USD = kraken(X_USD); BTC_X = coinbase(BTC_X)", "BTC_USD").value).toBe("50000");
    expect(rate("BTC_X = coinbase(BTC_X); X_USD = kraken(X_USD)", "BTC_USD").value).toBe("50100");
  });

  it("a wildcard of the inverse is used when nothing closer matches", () => {
    // USD_X matches USD_BTC, the inverse of BTC_USD (X binds by position: here X is BTC).
    const result = rate("USD_X = 0.00002", "BTC_USD");
    expect(result).toMatchObject({ value: "50000", rule: "USD_X", expression: "1 / 0.00002" });
    // X_BTC (inverse wildcard, X = USD) is more specific than X_X.
    expect(rate("X_BTC = 0.0000199; X_X = coinbase(X_X)", "BTC_USD").rule).toBe("X_BTC");
  });

  it("a pair of one currency is 1", () => {
    expect(rate("X_X = kraken(X_X)", "BTC_BTC")).toMatchObject({ value: "1", rule: "same currency" });
  });

  it("names are case-insensitive: btc_usd = KRAKEN(btc_usd)", () => {
    expect(rate("btc_usd = KRAKEN(btc_usd)", "BTC_USD").trace).toBe("kraken(BTC_USD) = 50000");
  });
});

describe("rate rules: expressions", () => {
  it("a constant pins a price", () => {
    expect(rate("BTC_USD = 65000", "BTC_USD")).toMatchObject({ value: "65000", trace: "BTC_USD = 65000" });
  });

  it("arithmetic with precedence and parentheses, exactly", () => {
    expect(rate("BTC_USD = kraken(BTC_USD) * 1.02 + 5 - (2 / 4)", "BTC_USD").value).toBe("51004.5");
    expect(rate("BTC_USD = (kraken(BTC_USD) + coinbase(BTC_USD)) / 2", "BTC_USD")).toMatchObject({
      value: "50050",
      evaluated: "(50000 + 50100) / 2",
    });
    expect(rate("BTC_USD = 0.1 + 0.2", "BTC_USD").value).toBe("0.3");
    expect(rate("BTC_USD = 100 - -5", "BTC_USD").value).toBe("105");
    expect(rate("BTC_USD = 1 / 3", "BTC_USD").value).toBe("0.3333333333333333333333333333333333333333");
  });

  it("mean and median", () => {
    const rules = "BTC_USD = mean(kraken(BTC_USD), coinbase(BTC_USD), bitfinex(BTC_USD))";
    expect(rate(rules, "BTC_USD").value).toBe("50000");
    expect(
      rate("BTC_USD = median(kraken(BTC_USD), coinbase(BTC_USD), bitfinex(BTC_USD), 70000)", "BTC_USD").value,
    ).toBe("50050");
    expect(rate("BTC_USD = median(1, 5, 2)", "BTC_USD").value).toBe("2");
  });

  it("mean and median use the arguments that have a rate", () => {
    const result = rate("BTC_USD = median(kraken(BTC_USD), coingecko(BTC_USD), bitfinex(BTC_USD))", "BTC_USD");
    expect(result).toMatchObject({ value: "49950", evaluated: "median(50000, unavailable, 49900)" });
    expect(result.missing).toEqual([
      { provider: "coingecko", pair: "BTC_USD", reason: "not offered by this provider" },
    ]);
  });

  it("normalize rounds half-even to the places given (Bitcart)", () => {
    expect(rate("BTC_USD = normalize(1.125, 2)", "BTC_USD").value).toBe("1.12");
    expect(rate("BTC_USD = normalize(1.135, 2)", "BTC_USD").value).toBe("1.14");
  });

  it("a cross rate through a fiat provider (Bitcart's X_MYCUR = X_USD * fiat(USD_MYCUR))", () => {
    const rules = "X_EUR = X_USD * fiat(USD_EUR)\nX_X = kraken(X_X)";
    expect(rate(rules, "BTC_EUR")).toMatchObject({ value: "45000", expression: "kraken(BTC_USD) * fiat(USD_EUR)" });
  });
});

describe("rate rules: no invented rate", () => {
  it("a missing provider rate gives no rate and says which", () => {
    const result = rate("X_X = kraken(X_X)", "BTC_JPY");
    expect(result.value).toBeNull();
    expect(result.missing).toEqual([{ provider: "kraken", pair: "BTC_JPY", reason: "not offered by this provider" }]);
    expect(result.error).toBeNull();
  });

  it("arithmetic over a missing rate is missing, never 0 or 1", () => {
    expect(rate("BTC_JPY = kraken(BTC_JPY) * 1 + 0", "BTC_JPY").value).toBeNull();
    expect(rate("BTC_JPY = 1 / kraken(BTC_JPY)", "BTC_JPY").value).toBeNull();
    expect(rate("BTC_JPY = mean(kraken(BTC_JPY), coinbase(BTC_JPY))", "BTC_JPY").value).toBeNull();
  });

  it("division by zero is a rule error", () => {
    expect(rate("BTC_USD = kraken(BTC_USD) / 0", "BTC_USD")).toMatchObject({
      value: null,
      error: "division by zero: kraken(BTC_USD) / 0",
    });
    expect(rate("USD_BTC = 0", "BTC_USD").error).toMatch(/division by zero/);
  });

  it("a result that is not positive is a rule error", () => {
    expect(rate("BTC_USD = 0", "BTC_USD").error).toMatch(/not a positive rate/);
    expect(rate("BTC_USD = kraken(BTC_USD) - 60000", "BTC_USD").error).toMatch(/-10000, which is not a positive rate/);
  });

  it("rules referring to themselves stop at the recursion limit", () => {
    expect(rate("BTC_USD = BTC_USD", "BTC_USD").error).toMatch(/more than 8 levels deep: BTC_USD → BTC_USD/);
    expect(rate("X_X = X_X", "BTC_USD").error).toMatch(/more than 8 levels deep/);
    const mutual = rate("BTC_USD = BTC_EUR * 1; BTC_EUR = BTC_USD * 1", "BTC_USD");
    expect(mutual.value).toBeNull();
    expect(mutual.error).toMatch(/BTC_USD → BTC_EUR → BTC_USD/);
  });

  it(`a chain of ${MAX_RULE_DEPTH} references resolves; one more does not`, () => {
    const chain = (length: number) => {
      const lines = [];
      for (let i = 0; i < length; i++) lines.push(`A${i}_USD = A${i + 1}_USD`);
      lines.push(`A${length}_USD = 42`);
      return lines.join("\n");
    };
    expect(rate(chain(MAX_RULE_DEPTH), "A0_USD").value).toBe("42");
    expect(rate(chain(MAX_RULE_DEPTH + 1), "A0_USD").error).toMatch(/more than 8 levels deep/);
  });

  it("rules that expand exponentially are stopped", () => {
    const lines = ["A0_USD = 1"];
    for (let i = 1; i <= 8; i++)
      lines.push(
        `A${i}_USD = ${Array(10)
          .fill(`A${i - 1}_USD`)
          .join(" + ")}`,
      );
    expect(rate(lines.join("\n"), "A8_USD").error).toMatch(/too complex/);
  });
});

describe("rate rules: the default rule", () => {
  it("is the median of the default providers that answered", () => {
    const result = rate("", "BTC_USD");
    expect(result).toMatchObject({
      value: "50000",
      rule: "default",
      expression: "median(kraken(BTC_USD), coinbase(BTC_USD), bitfinex(BTC_USD))",
      evaluated: "median(50000, 50100, 49900)",
    });
    expect(result.sources.map((s) => s.provider)).toEqual(["kraken", "coinbase", "bitfinex"]);
  });

  it("leaves out a provider that did not answer (median of the rest)", () => {
    const market = { ...MARKET, kraken: {} };
    expect(rate("", "BTC_USD", { market }).value).toBe("50000");
    expect(rate("", "LTC_USD", { market }).value).toBe("81");
  });

  it("answers nothing when no provider answered", () => {
    const result = rate("", "BTC_JPY");
    expect(result.value).toBeNull();
    expect(result.missing.map((m) => m.provider)).toEqual(["kraken", "coinbase", "bitfinex"]);
  });

  it("applies to pairs no rule matches, and to pairs rules refer to", () => {
    expect(rate("LTC_USD = 90", "BTC_USD").value).toBe("50000");
    expect(rate("LTC_EUR = LTC_USD * fiat(USD_EUR)", "LTC_EUR").value).toBe("72.45");
  });

  it("with one default provider is that provider's rate", () => {
    expect(rate("", "BTC_USD", { defaults: ["coinbase"] }).trace).toBe("coinbase(BTC_USD) = 50100");
  });
});

describe("rate rules: syntax", () => {
  it("accepts `;` and line breaks, blank lines and comments", () => {
    const rules = parseRules(
      "// pinned for the fair\nBTC_USD = 50000;; LTC_USD = kraken(LTC_USD)\n\n# fallback\nX_X = median(\n  kraken(X_X),\n  coinbase(X_X)\n)\nETH_USD = kraken(ETH_USD) *\n  1.01",
      PROVIDERS,
    );
    expect(rules.rules.map((r) => `${r.pair.base}_${r.pair.quote}`)).toEqual(["BTC_USD", "LTC_USD", "X_X", "ETH_USD"]);
  });

  it.each([
    ["BTC_USD = kraken(BTC_USD", 1, 25, `expected ")" after kraken(BTC_USD`],
    ["BTC_USD = ", 1, 11, "expected a number, a currency pair or a provider call, found the end of the rules"],
    ["BTC_USD = 5\nLTC_USD kraken(LTC_USD)", 2, 9, `expected "=" after LTC_USD`],
    ["BTC_USD = foo(BTC_USD)", 1, 11, `unknown rate provider "foo"`],
    ["BTC_USD = kraken", 1, 11, `unknown name "kraken"`],
    ["BTC_USD = kraken(BTC_USD_EUR)", 1, 18, `"BTC_USD_EUR" is not a currency pair`],
    ["BTC_USD = kraken(5)", 1, 18, "a provider call takes one currency pair"],
    ["BTC_USD = kraken(coinbase(BTC_USD))", 1, 18, "a provider call takes one currency pair"],
    ["BTC_USD = (1, 2)", 1, 13, "bid/ask tuples"],
    ["BTC_USD = 5 5", 1, 13, "expected the end of the rule for BTC_USD"],
    ["BTC_USD = 5 $", 1, 13, `unexpected character "$"`],
    ["BTC = 5", 1, 1, "expected a rule such as BTC_USD = kraken(BTC_USD)"],
    ["BTC_USD = 1\nBTC_USD = 2", 2, 1, "BTC_USD is already defined on line 1"],
    ["BTC_USD = median()", 1, 18, "median() needs at least one value"],
    ["BTC_USD = normalize(kraken(BTC_USD))", 1, 11, "normalize(value, places)"],
    ["BTC_USD = normalize(kraken(BTC_USD), 1.5)", 1, 11, "normalize(value, places)"],
    ["BTC_USD = kraken(BTC_USD)\n* 2", 2, 1, "expected a rule such as"],
  ])("%j fails at line %i, column %i", (text, line, column, reason) => {
    const error = syntaxError(text);
    expect(error.at).toEqual({ line, column });
    expect(error.message).toContain(`line ${line}, column ${column}: `);
    expect(error.reason).toContain(reason);
  });

  it("names the providers available when one is unknown", () => {
    expect(syntaxError("X_X = bitstamp(X_X)").message).toContain("available: bitfinex, bittrex, coinbase");
  });

  it("refuses hostile nesting and length without exhausting the stack", () => {
    expect(syntaxError(`BTC_USD = ${"(".repeat(10_000)}1${")".repeat(10_000)}`).reason).toMatch(/nested too deeply/);
    expect(syntaxError(`BTC_USD = ${"-".repeat(10_000)}1`).reason).toMatch(/nested too deeply/);
    expect(syntaxError(`BTC_USD = ${Array(3000).fill("1").join(" + ")}`).reason).toMatch(/rule too long/);
  });
});
