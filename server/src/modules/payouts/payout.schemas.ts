import { z } from "zod";
import { boolField, decimalField, defaultField, metadataField, optionalField } from "../../http/fields.ts";

/** A positive exact decimal, or -1 for "the whole balance" (Bitcart's SEND_ALL). */
const payoutAmountField = () =>
  decimalField()
    .refine((v) => v === "-1" || !v.startsWith("-"), "Amount must be positive, or -1 to send everything")
    .refine((v) => v !== "0", "Amount must be positive, or -1 to send everything");

const urlText = () => z.string().max(2000);

export const createPayoutSchema = z.object({
  amount: payoutAmountField(),
  currency: optionalField(z.string().min(1).max(16)),
  destination: z.string().trim().min(1).max(200),
  store_id: optionalField(z.string().max(128)),
  wallet_id: z.string().min(1).max(128),
  notification_url: optionalField(urlText()),
  max_fee: optionalField(decimalField({ min: "0" })),
  metadata: metadataField().default({}),
});

export const payoutPatchSchema = z.object({
  amount: payoutAmountField().optional(),
  destination: z.string().trim().min(1).max(200).optional(),
  notification_url: urlText().optional(),
  max_fee: optionalField(decimalField({ min: "0" })),
  metadata: metadataField().optional(),
});

/** `send`'s options: per-wallet keys (used in memory, never stored) and whether to batch per wallet. */
export const sendOptionsSchema = z
  .object({
    wallets: z.record(z.string().max(128), z.string().max(4000)).default({}),
    batch: optionalField(boolField()),
  })
  .default({ wallets: {} });

export const psbtBodySchema = z.object({ psbt: z.string().min(1).max(1_000_000) });

export const createRefundSchema = z.object({
  amount: decimalField({ min: "0" }).refine((v) => v !== "0", "Amount must be positive"),
  currency: z.string().min(1).max(16),
  admin_host: optionalField(z.string().max(2000)),
  send_email: defaultField(boolField(), true),
});

export const submitRefundSchema = z.object({ destination: z.string().trim().min(1).max(200) });

export type CreatePayoutInput = z.output<typeof createPayoutSchema>;
export type PayoutPatch = z.output<typeof payoutPatchSchema>;
export type SendOptions = z.output<typeof sendOptionsSchema>;
export type CreateRefundInput = z.output<typeof createRefundSchema>;
