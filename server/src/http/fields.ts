import { z } from "zod";
import { isDecimalString, normalizeDecimal, parseDecimal } from "../kernel/money.ts";

/**
 * Request field types that accept what Bitcart's admin and store send: numbers typed into forms arrive as
 * strings ("9.99", "-1"), and an empty string means "not given".
 */
const blankToUndefined = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);

/**
 * An optional form field: blank or absent both mean "not given". Use it (not `.optional()`) for numbers and
 * booleans, whose parsers would otherwise read a blank as a missing required value.
 */
export const optionalField = <T extends z.ZodType>(schema: T) => z.preprocess(blankToUndefined, schema.optional());

/** A form field with a default: blank or absent both take the default. */
export const defaultField = <T extends z.ZodType>(schema: T, value: z.util.NoUndefined<z.output<T>>) =>
  z.preprocess(blankToUndefined, schema.default(value as never));

/** Whether "" is a value of its own for this field (text), rather than a blank form field (numbers, choices). */
const acceptsBlank = (schema: z.ZodType) => schema.safeParse("").success;

export const intField = () =>
  z.preprocess((v) => {
    const value = blankToUndefined(v);
    return typeof value === "string" && /^\s*-?\d+\s*$/.test(value) ? Number(value) : value;
  }, z.number().int().min(-2_147_483_648).max(2_147_483_647));

export const boolField = () =>
  z.preprocess((v) => {
    const value = blankToUndefined(v);
    if (value === "true" || value === "1") return true;
    if (value === "false" || value === "0") return false;
    return value;
  }, z.boolean());

/** An exact decimal, answered as its canonical string. JSON numbers are read through their decimal text. */
export const decimalField = (options: { min?: string; maxDigits?: number } = {}) =>
  z.preprocess(
    (v) => {
      const value = blankToUndefined(v);
      return typeof value === "number" && Number.isFinite(value) ? String(value) : value;
    },
    z
      .string()
      .max(80)
      .refine((s) => isDecimalString(s) || parseDecimal(s) !== null, "Input should be a valid decimal")
      .transform((s, ctx) => {
        const value = parseDecimal(s)!;
        if (options.min !== undefined && value.lt(options.min)) {
          ctx.addIssue({ code: "custom", message: `Input should be greater than or equal to ${options.min}` });
          return z.NEVER;
        }
        const text = normalizeDecimal(value);
        if (text.replace(/[-.]/g, "").length > (options.maxDigits ?? 36)) {
          ctx.addIssue({ code: "custom", message: "Too many digits" });
          return z.NEVER;
        }
        return text;
      }),
  );

export const textField = (max = 1000) => z.string().max(max);

export const idList = () => z.array(z.string().max(64)).max(1000);

export const metadataField = () => z.record(z.string().max(256), z.unknown());

export const emailField = () =>
  z
    .string()
    .trim()
    .max(254)
    .email("value is not a valid email address")
    .transform((v) => v.toLowerCase());

/** An email address or "" (a field the customer or merchant may leave empty). */
export const optionalEmailField = () =>
  z
    .string()
    .trim()
    .max(254)
    .refine((v) => v === "" || z.email().safeParse(v).success, "value is not a valid email address")
    .transform((v) => v.toLowerCase());

/** Query-string booleans as Bitcart's clients send them. */
export const queryBool = (fallback: boolean) =>
  z
    .enum(["true", "false", "1", "0", "True", "False"])
    .optional()
    .transform((v) => (v === undefined ? fallback : v.toLowerCase() === "true" || v === "1"));

export const listQuerySchema = z.object({
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(-1).default(5),
  query: z.string().max(1000).default(""),
  multiple: queryBool(false),
  sort: z.string().max(64).default("created"),
  desc: queryBool(true),
  autocomplete: queryBool(false),
});

export const idParams = z.object({ id: z.string().min(1).max(128) });

export const batchBody = z.object({
  ids: z.array(z.string().max(128)).max(10_000),
  command: z.string().min(1).max(64),
  options: z.unknown().optional(),
});

type FieldSpec = Record<string, readonly [z.ZodType, unknown]>;

/**
 * One list of fields with their defaults gives two schemas: the whole document (absent or blank fields take
 * their defaults) and its patch (only the fields named change; nothing is reset to a default).
 */
export function documentSchemas<S extends FieldSpec>(spec: S) {
  const entries = Object.entries(spec);
  const full = z.object(
    Object.fromEntries(
      entries.map(([key, [schema, value]]) => [
        key,
        acceptsBlank(schema) ? schema.default(value as never) : defaultField(schema, value as never),
      ]),
    ),
  );
  const patch = z.object(
    Object.fromEntries(
      entries.map(([key, [schema]]) => [key, acceptsBlank(schema) ? schema.optional() : optionalField(schema)]),
    ),
  );
  return {
    full: full as unknown as z.ZodObject<{ [K in keyof S]: z.ZodType<z.output<S[K][0]>, unknown> }>,
    patch: patch as unknown as z.ZodObject<{ [K in keyof S]: z.ZodType<z.output<S[K][0]> | undefined, unknown> }>,
  };
}
