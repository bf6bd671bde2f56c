import type { z } from "zod";
import { assertSafeInput } from "../../http/input-guard.ts";
import { AppError, type FieldError } from "../../kernel/errors.ts";

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * Validates a body a route could not hand to Fastify's schema (a JSON string inside a multipart part),
 * failing with the same 422 `detail[]` shape, each entry naming its field under `body`.
 */
export function validateBody<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  if (!isPlainObject(value)) {
    throw new AppError(422, [{ loc: ["body"], msg: "Input should be a valid dictionary", type: "dict_type" }]);
  }
  assertSafeInput(value, "body");
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const detail: FieldError[] = parsed.error.issues.map((issue) => {
    const missing = issue.code === "invalid_type" && issue.message.endsWith("received undefined");
    return {
      loc: ["body", ...issue.path.map((p) => (typeof p === "symbol" ? String(p) : p))],
      msg: missing ? "Field required" : issue.message,
      type: missing ? "missing" : issue.code,
    };
  });
  throw new AppError(422, detail);
}
