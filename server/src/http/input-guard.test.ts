import { describe, expect, it } from "vitest";
import { AppError } from "../kernel/errors.ts";
import { assertSafeInput, inputProblem, MAX_NESTING } from "./input-guard.ts";

const nest = (levels: number, leaf: unknown = "leaf") => {
  let value: unknown = leaf;
  for (let i = 0; i < levels; i++) value = [value];
  return value;
};

describe("inputProblem", () => {
  it("accepts ordinary values, including empty and unicode strings", () => {
    for (const value of [undefined, null, 0, "", "😀 مرحبا", { a: [1, "two", { three: null }] }, [], {}]) {
      expect(inputProblem(value, "body")).toBeNull();
    }
  });

  it("finds a NUL character in a string and names its location", () => {
    expect(inputProblem("a\u0000", "query")).toEqual({
      loc: ["query"],
      msg: "Input should not contain NUL characters",
      type: "string_nul",
    });
    expect(inputProblem({ store: { names: ["ok", "b\u0000d"] } }, "body")?.loc).toEqual(["body", "store", "names", 1]);
  });

  it("finds a NUL character in an object key", () => {
    expect(inputProblem({ meta: { "k\u0000": 1 } }, "body")?.loc).toEqual(["body", "meta", "k\u0000"]);
  });

  it("accepts nesting up to the limit and refuses one level more", () => {
    expect(inputProblem(nest(MAX_NESTING), "body")).toBeNull();
    const problem = inputProblem(nest(MAX_NESTING + 1), "body");
    expect(problem?.type).toBe("too_deep");
    expect(problem?.loc).toHaveLength(MAX_NESTING + 1);
  });

  it("checks extremely deep values without exhausting the stack", () => {
    const deep = JSON.parse(`${"[".repeat(200_000)}${"]".repeat(200_000)}`);
    expect(inputProblem(deep, "body")?.type).toBe("too_deep");
  });

  it("throws a 422 AppError in FastAPI's detail shape", () => {
    expect(() => assertSafeInput({ ok: "yes" }, "body")).not.toThrow();
    try {
      assertSafeInput({ id: "x\u0000" }, "path");
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).status).toBe(422);
      expect((error as AppError).detail).toEqual([
        { loc: ["path", "id"], msg: "Input should not contain NUL characters", type: "string_nul" },
      ]);
    }
  });
});
