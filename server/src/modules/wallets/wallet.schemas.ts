import { z } from "zod";
import { boolField, defaultField, intField, metadataField, optionalField } from "../../http/fields.ts";

const transactionSpeed = () => intField().pipe(z.number().int().min(0).max(6));

/** Till's own key options, carried in Bitcart's free-form `additional_xpub_data`. */
export const keyOptionsSchema = z
  .object({
    passphrase: z.string().max(1000).optional(),
    bip39_purpose: intField()
      .pipe(z.union([z.literal(44), z.literal(49), z.literal(84), z.literal(86)]))
      .optional(),
    account: optionalField(intField().pipe(z.number().int().min(0).max(2_147_483_647))),
    seed_format: z.enum(["auto", "electrum", "bip39"]).optional(),
  })
  .default({});

export const createWalletSchema = z.object({
  name: z.string().trim().min(1).max(1000),
  currency: z.string().trim().toLowerCase().min(1).max(10).default("btc"),
  xpub: z.string().trim().min(1, "The wallet key must not be empty").max(5000),
  hot_wallet: defaultField(boolField(), false),
  label: z.string().max(1000).default(""),
  hint: z.string().max(1000).default(""),
  contract: z.string().max(200).default(""),
  lightning_enabled: defaultField(boolField(), false),
  transaction_speed: transactionSpeed().nullable().optional(),
  additional_xpub_data: keyOptionsSchema,
  metadata: metadataField().default({}),
});

/** The key, coin and hotness of a wallet are fixed at creation: invoices and history depend on them. */
export const walletPatchSchema = z.object({
  name: z.string().trim().min(1).max(1000).optional(),
  label: z.string().max(1000).optional(),
  hint: z.string().max(1000).optional(),
  transaction_speed: transactionSpeed().nullable().optional(),
  metadata: metadataField().optional(),
});

export const generateWalletSchema = z.object({
  currency: z.string().trim().toLowerCase().min(1).max(10).default("btc"),
  hot_wallet: defaultField(boolField(), false),
});

export type CreateWalletInput = z.output<typeof createWalletSchema>;
export type WalletPatch = z.output<typeof walletPatchSchema>;
