import { describe, expect, it } from "vitest";
import { z } from "zod";
import { batchBody, boolField, decimalField, emailField, intField, listQuerySchema, queryBool } from "./fields.ts";

/** Parses `{value}` through an object with the field, as request bodies are. */
function parse<T extends z.ZodType>(field: T, value: unknown) {
  return z.object({ value: field }).safeParse(value === undefined ? {} : { value });
}

const ok = <T extends z.ZodType>(field: T, value: unknown) => {
  const result = parse(field, value);
  if (!result.success) throw new Error(`refused ${JSON.stringify(value)}: ${result.error.message}`);
  return (result.data as { value: unknown }).value;
};

const issue = <T extends z.ZodType>(field: T, value: unknown) => {
  const result = parse(field, value);
  expect(result.success).toBe(false);
  return result.error!.issues[0]!;
};

describe("intField", () => {
  it.each([
    ["-1", -1],
    ["0", 0],
    ["42", 42],
    [" 7 ", 7],
    [5, 5],
    [-1, -1],
    ["2147483647", 2_147_483_647],
    ["-2147483648", -2_147_483_648],
  ])("reads %j as %d", (input, expected) => {
    expect(ok(intField(), input)).toBe(expected);
  });

  it.each(["", "   ", undefined])("treats %j as missing", (input) => {
    const problem = issue(intField(), input);
    expect(problem.code).toBe("invalid_type");
    expect(problem.message.endsWith("received undefined")).toBe(true);
    expect(problem.path).toEqual(["value"]);
  });

  it("falls back to the default when the field is absent", () => {
    expect(ok(intField().optional(), undefined)).toBeUndefined();
    expect(ok(intField().default(25), undefined)).toBe(25);
  });

  it.each(
    ["1.5", 1.5, "abc", "1e3", "0x10", "12abc", true, null, [], {}, "2147483648", 2 ** 64, Number.NaN, -1e308].map(
      (v) => [v],
    ),
  )("refuses %j", (input) => {
    const problem = issue(intField(), input);
    expect(problem.path).toEqual(["value"]);
  });
});

describe("decimalField", () => {
  it.each([
    ["9.99", "9.99"],
    [9.99, "9.99"],
    ["1e-8", "0.00000001"],
    [1e-8, "0.00000001"],
    ["1.50", "1.5"],
    ["0", "0"],
    [0, "0"],
    ["-1", "-1"],
    [" 3 ", "3"],
    ["100", "100"],
  ])("reads %j as %j", (input, expected) => {
    expect(ok(decimalField(), input)).toBe(expected);
  });

  it("answers JSON numbers by their shortest decimal text", () => {
    expect(ok(decimalField(), 0.1 + 0.2)).toBe("0.30000000000000004");
  });

  it.each(["abc", "1.2.3", "1,5", "NaN", "Infinity", "0x1", true, [], {}, null].map((v) => [v]))(
    "refuses %j",
    (input) => {
      const problem = issue(decimalField(), input);
      expect(problem.path).toEqual(["value"]);
    },
  );

  it("names a non-decimal string in its message", () => {
    expect(issue(decimalField(), "abc").message).toBe("Input should be a valid decimal");
  });

  it.each(["", "  ", undefined])("treats %j as missing", (input) => {
    expect(issue(decimalField(), input).message.endsWith("received undefined")).toBe(true);
    expect(ok(decimalField().optional(), undefined)).toBeUndefined();
  });

  it("refuses values below the minimum and accepts the minimum itself", () => {
    const price = decimalField({ min: "0" });
    expect(issue(price, "-0.01").message).toBe("Input should be greater than or equal to 0");
    expect(issue(price, -1).message).toBe("Input should be greater than or equal to 0");
    expect(ok(price, "0")).toBe("0");
    expect(ok(price, "-0")).toBe("0");
    expect(ok(decimalField({ min: "1.5" }), "1.5")).toBe("1.5");
    expect(parse(decimalField({ min: "1.5" }), "1.49").success).toBe(false);
  });

  it("refuses too many digits", () => {
    expect(ok(decimalField(), "1".repeat(36))).toBe("1".repeat(36));
    expect(issue(decimalField(), "1".repeat(37)).message).toBe("Too many digits");
    expect(issue(decimalField({ maxDigits: 4 }), "12.345").message).toBe("Too many digits");
    expect(ok(decimalField({ maxDigits: 4 }), "12.34")).toBe("12.34");
  });

  it("refuses huge exponents quickly instead of writing them out", () => {
    for (const input of ["1e999999999", "1e-999999999", "9e400", 1e308, -1e308]) {
      expect(parse(decimalField(), input).success).toBe(false);
    }
  });

  it("refuses strings longer than 80 characters", () => {
    expect(parse(decimalField(), `0.${"0".repeat(80)}1`).success).toBe(false);
  });
});

describe("boolField", () => {
  it.each([
    [true, true],
    [false, false],
    ["true", true],
    ["false", false],
    ["1", true],
    ["0", false],
  ])("reads %j as %s", (input, expected) => {
    expect(ok(boolField(), input)).toBe(expected);
  });

  it.each(["", undefined])("treats %j as missing", (input) => {
    expect(issue(boolField(), input).message.endsWith("received undefined")).toBe(true);
    expect(ok(boolField().default(true), undefined)).toBe(true);
  });

  it.each(["yes", "TRUE!", "2", 2, null, [], {}, "maybe"].map((v) => [v]))("refuses %j", (input) => {
    expect(issue(boolField(), input).path).toEqual(["value"]);
  });
});

describe("emailField", () => {
  it("trims and lowercases", () => {
    expect(ok(emailField(), "  Admin@Example.COM ")).toBe("admin@example.com");
  });

  it("refuses what is not an email", () => {
    expect(issue(emailField(), "not-an-email").message).toBe("value is not a valid email address");
    expect(parse(emailField(), `${"a".repeat(250)}@example.com`).success).toBe(false);
  });
});

describe("query-string fields", () => {
  it("reads Bitcart's booleans and falls back when absent", () => {
    const flag = z.object({ value: queryBool(true) });
    expect(flag.parse({}).value).toBe(true);
    expect(flag.parse({ value: "False" }).value).toBe(false);
    expect(flag.parse({ value: "0" }).value).toBe(false);
    expect(flag.parse({ value: "1" }).value).toBe(true);
    expect(flag.safeParse({ value: "nope" }).success).toBe(false);
  });

  it("gives list queries Bitcart's defaults and refuses bad numbers", () => {
    expect(listQuerySchema.parse({})).toEqual({
      offset: 0,
      limit: 5,
      query: "",
      multiple: false,
      sort: "created",
      desc: true,
      autocomplete: false,
    });
    expect(listQuerySchema.parse({ offset: "10", limit: "-1", desc: "false" })).toMatchObject({
      offset: 10,
      limit: -1,
      desc: false,
    });
    for (const bad of [{ offset: "-5" }, { limit: "abc" }, { limit: "-2" }, { offset: "1.5" }]) {
      expect(listQuerySchema.safeParse(bad).success).toBe(false);
    }
  });

  it("requires ids and a command in a batch body", () => {
    expect(batchBody.safeParse({ ids: ["a"], command: "delete" }).success).toBe(true);
    expect(batchBody.safeParse({ ids: ["a"], command: "" }).success).toBe(false);
    expect(batchBody.safeParse({ command: "delete" }).success).toBe(false);
  });
});
