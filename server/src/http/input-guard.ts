import type { FastifyInstance } from "fastify";
import { AppError, type FieldError } from "../kernel/errors.ts";

/** Deeper than any real document; deep enough nesting would overflow the stack of JSON.stringify when stored. */
export const MAX_NESTING = 64;

/**
 * The first problem in a decoded input value, or null: a string or object key holding U+0000 (PostgreSQL
 * text cannot store it, and no field needs it), or nesting deeper than MAX_NESTING. Iterative, so the
 * check itself cannot exhaust the stack.
 */
export function inputProblem(value: unknown, where: string): FieldError | null {
  interface Entry {
    node: unknown;
    key: string | number | null;
    parent: Entry | null;
    depth: number;
  }
  const loc = (entry: Entry, last?: string) => {
    const path: (string | number)[] = last === undefined ? [] : [last];
    for (let at: Entry | null = entry; at && at.key !== null; at = at.parent) path.unshift(at.key);
    return [where, ...path];
  };
  const nul = (entry: Entry, last?: string): FieldError => ({
    loc: loc(entry, last),
    msg: "Input should not contain NUL characters",
    type: "string_nul",
  });
  const stack: Entry[] = [{ node: value, key: null, parent: null, depth: 0 }];
  while (stack.length) {
    const entry = stack.pop()!;
    const { node, depth } = entry;
    if (typeof node === "string") {
      if (node.includes("\u0000")) return nul(entry);
      continue;
    }
    if (node === null || typeof node !== "object") continue;
    if (depth >= MAX_NESTING) {
      return { loc: loc(entry), msg: `Input should be nested at most ${MAX_NESTING} levels deep`, type: "too_deep" };
    }
    if (Array.isArray(node)) {
      for (let i = node.length - 1; i >= 0; i--) stack.push({ node: node[i], key: i, parent: entry, depth: depth + 1 });
    } else {
      for (const [key, child] of Object.entries(node)) {
        if (key.includes("\u0000")) return nul(entry, key);
        stack.push({ node: child, key, parent: entry, depth: depth + 1 });
      }
    }
  }
  return null;
}

/** Throws the 422 for `inputProblem`, if any. */
export function assertSafeInput(value: unknown, where: string): void {
  const problem = inputProblem(value, where);
  if (problem) throw new AppError(422, [problem]);
}

/**
 * Checks path parameters, query strings and bodies before validation, so these inputs answer a 422 on
 * both databases instead of a database or serializer error.
 */
export function installInputGuard(app: FastifyInstance): void {
  app.addHook("preValidation", async (request) => {
    assertSafeInput(request.params, "path");
    assertSafeInput(request.query, "query");
    assertSafeInput(request.body, "body");
  });
}
