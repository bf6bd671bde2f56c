import type { Big } from "../kernel/money.ts";
import type { Pair } from "./pair.ts";

/** 1-based line and column of a token in the rule text. */
export interface Position {
  line: number;
  column: number;
}

export type BinaryOperator = "+" | "-" | "*" | "/";

export const FUNCTIONS = ["mean", "median", "normalize"] as const;
export type FunctionName = (typeof FUNCTIONS)[number];

export type Expr =
  | { kind: "number"; value: Big; text: string; at: Position }
  /** Another pair, resolved through the rules (`BTC_X` with X bound to the pair being resolved). */
  | { kind: "pair"; pair: Pair; at: Position }
  /** A provider's rate: `kraken(BTC_USD)`. */
  | { kind: "call"; provider: string; pair: Pair; at: Position }
  | { kind: "function"; name: FunctionName; args: Expr[]; at: Position }
  | { kind: "unary"; operator: "-" | "+"; operand: Expr; at: Position }
  | { kind: "binary"; operator: BinaryOperator; left: Expr; right: Expr; at: Position };

/** One `PAIR = expr` line. `index` is its order in the text (the tie-break between equally specific rules). */
export interface Rule {
  pair: Pair;
  expr: Expr;
  at: Position;
  index: number;
}

export interface RuleSet {
  rules: readonly Rule[];
  /** Rules by their pair key (`BTC_USD`, `X_USD`, `X_X`). */
  byPair: ReadonlyMap<string, Rule>;
}

/** A rule text that does not parse. `message` names the line and column. */
export class RuleSyntaxError extends Error {
  override name = "RuleSyntaxError";

  constructor(
    readonly reason: string,
    readonly at: Position,
  ) {
    super(`line ${at.line}, column ${at.column}: ${reason}`);
  }
}
