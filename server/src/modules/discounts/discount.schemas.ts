import { z } from "zod";
import { intField, metadataField, optionalField } from "../../http/fields.ts";
import { parseDateTime } from "./date-time.ts";

const CURRENCY = /^[a-z0-9_.-]{1,32}$/;

const percentField = () =>
  intField().pipe(z.number().min(1, "Percent must be between 1 and 100").max(100, "Percent must be between 1 and 100"));

/**
 * Stored and answered as ISO-8601 UTC text, so dates compare as strings on both databases. Unix timestamps
 * are read first, so everything else goes through the one string parser.
 */
const endDateField = () =>
  z.preprocess(
    (value) => (typeof value === "number" ? (parseDateTime(value)?.toISOString() ?? String(value)) : value),
    z
      .string()
      .max(64)
      .transform((value, ctx) => {
        const date = parseDateTime(value);
        if (!date) {
          ctx.addIssue({ code: "custom", message: "Input should be a valid datetime" });
          return z.NEVER;
        }
        return date.toISOString();
      }),
  );

/** Wallet currencies the discount applies to, e.g. "btc,ltc"; empty means every currency. */
const currenciesField = () =>
  z
    .string()
    .max(1000)
    .transform((value, ctx) => {
      const list = [
        ...new Set(
          value
            .split(",")
            .map((c) => c.trim().toLowerCase())
            .filter(Boolean),
        ),
      ];
      const invalid = list.find((c) => !CURRENCY.test(c));
      if (invalid !== undefined) {
        ctx.addIssue({ code: "custom", message: `Invalid currency: ${invalid}` });
        return z.NEVER;
      }
      return list.join(",");
    });

export const createDiscountSchema = z.object({
  name: z.string().min(1).max(1000),
  percent: percentField(),
  end_date: endDateField(),
  description: z.string().max(10_000).default(""),
  promocode: z.string().max(255).default(""),
  currencies: currenciesField().default(""),
  metadata: metadataField().default({}),
});

export const discountPatchSchema = z.object({
  name: z.string().min(1).max(1000).optional(),
  percent: optionalField(percentField()),
  end_date: endDateField().optional(),
  description: z.string().max(10_000).optional(),
  promocode: z.string().max(255).optional(),
  currencies: currenciesField().optional(),
  metadata: metadataField().optional(),
});

export type CreateDiscountInput = z.output<typeof createDiscountSchema>;
export type DiscountPatch = z.output<typeof discountPatchSchema>;
