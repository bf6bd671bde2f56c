import { z } from "zod";
import { decimalField, intField, metadataField, optionalEmailField, optionalField } from "../../http/fields.ts";

const url = () =>
  z
    .string()
    .trim()
    .max(2000)
    .refine((v) => v === "" || /^https?:\/\/[^\s]+$/i.test(v), "must be an absolute http or https URL");

/** Bitcart's CreateInvoice. `products` is a list of ids or a map id → quantity. */
export const createInvoiceSchema = z.object({
  price: decimalField({ min: "0" }),
  store_id: z.string().min(1).max(64),
  currency: z
    .string()
    .trim()
    .max(10)
    .default("")
    .transform((v) => v.toUpperCase()),
  order_id: z.string().max(255).default(""),
  notification_url: url().nullable().default(""),
  redirect_url: url().nullable().default(""),
  buyer_email: optionalEmailField().nullable().default(""),
  shipping_address: z.string().max(2000).default(""),
  notes: z.string().max(5000).default(""),
  promocode: z.string().max(255).nullable().default(""),
  products: z
    .union([
      z.array(z.string().max(64)).max(100),
      z.record(z.string().max(64), intField().pipe(z.number().int().min(1).max(1_000_000))),
    ])
    .default([]),
  expiration: optionalField(intField().pipe(z.number().int().min(1).max(525_600)).nullable()),
  payment_methods: z.array(z.string().max(64)).max(50).nullable().optional(),
  metadata: metadataField().default({}),
});

export type CreateInvoiceInput = z.output<typeof createInvoiceSchema>;

export const invoicePatchSchema = z.object({
  order_id: z.string().max(255).optional(),
  notification_url: url().optional(),
  redirect_url: url().optional(),
  buyer_email: optionalEmailField().optional(),
  shipping_address: z.string().max(2000).optional(),
  notes: z.string().max(5000).optional(),
  metadata: metadataField().optional(),
});

export type InvoicePatch = z.output<typeof invoicePatchSchema>;

/** What the customer may fill in on the public checkout, only while the field is still empty (Bitcart). */
export const customerUpdateSchema = z.object({
  buyer_email: optionalEmailField().default(""),
  shipping_address: z.string().max(2000).default(""),
  notes: z.string().max(5000).default(""),
});

export const markCompleteOptions = z.object({
  payment_method_id: z.string().max(64).nullable().optional(),
  sent_amount: optionalField(decimalField({ min: "0" }).nullable()),
  tx_hashes: z.array(z.string().max(128)).max(100).nullable().optional(),
});
