import { type Position, RuleSyntaxError } from "./rule-ast.ts";

export type TokenKind = "name" | "number" | "=" | ";" | "," | "(" | ")" | "+" | "-" | "*" | "/" | "newline" | "end";

export interface Token {
  kind: TokenKind;
  text: string;
  at: Position;
}

const NAME = /[A-Za-z][A-Za-z0-9_]*/y;
const NUMBER = /(?:\d+(?:\.\d+)?|\.\d+)(?:[eE][-+]?\d+)?/y;
const PUNCTUATION = new Set(["=", ";", ",", "(", ")", "+", "-", "*", "/"]);

/**
 * Splits rule text into tokens. Rules end at `;` (BTCPay) or at a line break (Bitcart); a line break inside
 * parentheses does not end a rule. `//` and `#` start comments that run to the end of the line.
 */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let at = 0;
  let line = 1;
  let lineStart = 0;
  let depth = 0;
  const position = (): Position => ({ line, column: at - lineStart + 1 });

  while (at < text.length) {
    const c = text[at]!;
    if (c === "\n") {
      if (depth === 0) tokens.push({ kind: "newline", text: "\n", at: position() });
      at++;
      line++;
      lineStart = at;
      continue;
    }
    if (c === " " || c === "\t" || c === "\r" || c === "\f" || c === "\v") {
      at++;
      continue;
    }
    if (c === "#" || (c === "/" && text[at + 1] === "/")) {
      while (at < text.length && text[at] !== "\n") at++;
      continue;
    }
    if (PUNCTUATION.has(c)) {
      if (c === "(") depth++;
      if (c === ")") depth = Math.max(0, depth - 1);
      tokens.push({ kind: c as TokenKind, text: c, at: position() });
      at++;
      continue;
    }
    NAME.lastIndex = at;
    const name = NAME.exec(text);
    if (name) {
      tokens.push({ kind: "name", text: name[0], at: position() });
      at += name[0].length;
      continue;
    }
    NUMBER.lastIndex = at;
    const number = NUMBER.exec(text);
    if (number) {
      tokens.push({ kind: "number", text: number[0], at: position() });
      at += number[0].length;
      continue;
    }
    throw new RuleSyntaxError(`unexpected character ${JSON.stringify(c)}`, position());
  }
  tokens.push({ kind: "end", text: "", at: position() });
  return tokens;
}
