/**
 * A JSON reader that keeps numbers as their source text. `JSON.parse` turns `67321.123456789012` into the
 * nearest binary float; a price must keep the digits the provider sent, so numbers come back as `JsonNumber`
 * and become exact decimals only through `kernel/money`.
 */
export class JsonNumber {
  constructor(readonly text: string) {}
}

export type JsonValue = null | boolean | string | JsonNumber | JsonValue[] | { [key: string]: JsonValue };

export class JsonSyntaxError extends Error {
  override name = "JsonSyntaxError";
}

/** Provider answers are shallow; anything nested deeper is not a price list and is refused. */
const MAX_DEPTH = 64;

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?/y;
const ESCAPES: Record<string, string> = { '"': '"', "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };

export function parseExactJson(text: string): JsonValue {
  let at = 0;

  const fail = (what: string): never => {
    throw new JsonSyntaxError(`${what} at offset ${at}`);
  };
  const skipSpace = () => {
    while (at < text.length) {
      const c = text.charCodeAt(at);
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
      at++;
    }
  };
  const expect = (literal: string) => {
    if (!text.startsWith(literal, at)) fail(`expected ${JSON.stringify(literal)}`);
    at += literal.length;
  };

  const readString = (): string => {
    at++; // opening quote
    let out = "";
    let start = at;
    while (true) {
      if (at >= text.length) fail("unterminated string");
      const c = text[at]!;
      if (c === '"') {
        out += text.slice(start, at);
        at++;
        return out;
      }
      if (c === "\\") {
        out += text.slice(start, at);
        const escaped = text[at + 1];
        if (escaped === "u") {
          const hex = text.slice(at + 2, at + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail("bad \\u escape");
          out += String.fromCharCode(Number.parseInt(hex, 16));
          at += 6;
        } else if (escaped !== undefined && ESCAPES[escaped] !== undefined) {
          out += ESCAPES[escaped];
          at += 2;
        } else {
          fail("bad escape");
        }
        start = at;
        continue;
      }
      if (c.charCodeAt(0) < 0x20) fail("control character in string");
      at++;
    }
  };

  const readValue = (depth: number): JsonValue => {
    if (depth > MAX_DEPTH) fail("nesting too deep");
    skipSpace();
    const c = text[at];
    switch (c) {
      case "{": {
        at++;
        const object: { [key: string]: JsonValue } = Object.create(null);
        skipSpace();
        if (text[at] === "}") {
          at++;
          return object;
        }
        while (true) {
          skipSpace();
          if (text[at] !== '"') fail("expected a key");
          const key = readString();
          skipSpace();
          expect(":");
          object[key] = readValue(depth + 1);
          skipSpace();
          if (text[at] === ",") {
            at++;
            continue;
          }
          expect("}");
          return object;
        }
      }
      case "[": {
        at++;
        const array: JsonValue[] = [];
        skipSpace();
        if (text[at] === "]") {
          at++;
          return array;
        }
        while (true) {
          array.push(readValue(depth + 1));
          skipSpace();
          if (text[at] === ",") {
            at++;
            continue;
          }
          expect("]");
          return array;
        }
      }
      case '"':
        return readString();
      case "t":
        expect("true");
        return true;
      case "f":
        expect("false");
        return false;
      case "n":
        expect("null");
        return null;
      default: {
        NUMBER.lastIndex = at;
        const match = NUMBER.exec(text);
        if (!match) return fail("unexpected character");
        at += match[0].length;
        return new JsonNumber(match[0]);
      }
    }
  };

  const value = readValue(0);
  skipSpace();
  if (at !== text.length) fail("unexpected text after the value");
  return value;
}

export const isJsonObject = (value: JsonValue | undefined): value is { [key: string]: JsonValue } =>
  typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof JsonNumber);
