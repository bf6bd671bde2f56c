import { describe, expect, it } from "vitest";
import { JsonNumber, JsonSyntaxError, parseExactJson } from "./exact-json.ts";

describe("exact JSON", () => {
  it("keeps numbers as the text the provider sent, beyond what a float holds", () => {
    const value = parseExactJson('{"usd": 67187.33589365664123, "t": [1, -2.5e-3, 0], "eur": 0.1}') as Record<
      string,
      unknown
    >;
    expect(value.usd).toEqual(new JsonNumber("67187.33589365664123"));
    expect(JSON.parse('{"usd": 67187.33589365664123}').usd.toString()).not.toBe("67187.33589365664123");
    expect(value.t).toEqual([new JsonNumber("1"), new JsonNumber("-2.5e-3"), new JsonNumber("0")]);
    expect(value.eur).toEqual(new JsonNumber("0.1"));
  });

  it("reads every JSON value", () => {
    expect(parseExactJson(' {"a": [true, false, null, "x\\"y\\u00e9\\n"], "b": {}} ')).toEqual({
      a: [true, false, null, 'x"yé\n'],
      b: {},
    });
    expect(parseExactJson("[]")).toEqual([]);
  });

  it("keeps keys like __proto__ as data", () => {
    const value = parseExactJson('{"__proto__": {"polluted": 1}}') as Record<string, unknown>;
    expect(Object.keys(value)).toEqual(["__proto__"]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it.each(["", "{", '{"a" 1}', "[1,]", "01", "1.", "NaN", '"unterminated', '"\\x"', "[1] 2", "<html>"])(
    "refuses %j",
    (text) => {
      expect(() => parseExactJson(text)).toThrow(JsonSyntaxError);
    },
  );

  it("refuses nesting deeper than any price list", () => {
    expect(() => parseExactJson(`${"[".repeat(100_000)}${"]".repeat(100_000)}`)).toThrow(/too deep/);
  });
});
