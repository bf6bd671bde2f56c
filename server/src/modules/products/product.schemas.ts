import { z } from "zod";
import {
  decimalField,
  idList,
  intField,
  listQuerySchema,
  metadataField,
  queryBool,
  textField,
} from "../../http/fields.ts";
import { normalizeDecimal, parseDecimal } from "../../kernel/money.ts";

const price = () => decimalField({ min: "0" });
/** -1 means unlimited stock. */
const quantity = () => intField().refine((n) => n >= -1, "Input should be greater than or equal to -1");
const storeId = () => z.string().min(1).max(64);
const templates = () => z.record(z.string().max(64), z.string().max(64));

/** The fields of a product create, from the multipart `data` JSON or a JSON body. Unknown keys are dropped. */
export const createProductSchema = z.object({
  name: z.string().trim().min(1).max(1000),
  price: price(),
  quantity: quantity(),
  store_id: storeId(),
  download_url: textField(2000).default(""),
  description: textField(20_000).default(""),
  category: textField(1000).default(""),
  discounts: idList().default([]),
  templates: templates().default({}),
  metadata: metadataField().default({}),
});

/**
 * Every field optional. `image` is set by the server from the uploaded file; sending it as "" or null
 * removes the current image, any other value is ignored.
 */
export const patchProductSchema = z.object({
  name: z.string().trim().min(1).max(1000).optional(),
  price: price().optional(),
  quantity: quantity().optional(),
  store_id: storeId().nullable().optional(),
  download_url: textField(2000).optional(),
  description: textField(20_000).optional(),
  category: textField(1000).optional(),
  status: z.string().trim().min(1).max(64).optional(),
  image: z.string().max(2000).nullable().optional(),
  discounts: idList().optional(),
  templates: templates().optional(),
  metadata: metadataField().optional(),
});

export type CreateProductInput = z.output<typeof createProductSchema>;
export type PatchProductInput = z.output<typeof patchProductSchema>;

const blankToUndefined = (v: string | undefined) => (v === undefined || v.trim() === "" ? undefined : v.trim());

/** A decimal in the query string, compared exactly; blank means "not given". */
const queryDecimal = () =>
  z
    .string()
    .max(80)
    .optional()
    .transform((raw, ctx) => {
      const text = blankToUndefined(raw);
      if (text === undefined) return undefined;
      const value = parseDecimal(text);
      if (!value) {
        ctx.addIssue({ code: "custom", message: "Input should be a valid decimal" });
        return z.NEVER;
      }
      return normalizeDecimal(value);
    });

const storeParam = () => z.string().max(64).optional().transform(blankToUndefined);

export const productListQuery = listQuerySchema.extend({
  store: storeParam(),
  category: z.string().max(1000).optional(),
  min_price: queryDecimal(),
  max_price: queryDecimal(),
  sale: queryBool(false),
});

export type ProductListQuery = z.output<typeof productListQuery>;

export const storeQuery = z.object({ store: storeParam() });
